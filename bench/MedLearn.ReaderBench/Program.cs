using System.Globalization;
using System.Text.Json;
using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Torch;

namespace MedLearn.ReaderBench;

/// <summary>
/// Reader correctness against the oracles (bench/readers/run.sh): reads every file listed by bench/readers/oracle.py
/// with <see cref="ImageReader.Read(string)"/> and classifies it as equal (same element count; min, max and mean within
/// the oracle's tolerance; sum of squares within 1e-6 relative for lossless files), refused (an
/// <see cref="ImageReadException"/>), wrong (read, but different values) or crashed (any other exception).
/// Prints one line per file and a summary per oracle; the process exit code is 0.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: MedLearn.ReaderBench ORACLE.json | --peak FILE...");
            return 2;
        }
        if (args[0] == "--peak")
        {
            // Peak resident memory of reading each file alone (the kernel's VmHWM, reset before each read).
            foreach (var file in args.Skip(1))
            {
                File.WriteAllText("/proc/self/clear_refs", "5");
                var before = Status("VmRSS:");
                string outcome;
                try
                {
                    using var scope = DisposeScope.Open();
                    using var image = ImageReader.Read(file);
                    outcome = $"read {string.Join("x", image.Data.Shape)} {image.Data.DType}";
                }
                catch (ImageReadException e)
                {
                    outcome = "refused: " + Short(e.Reason);
                }
                Console.WriteLine($"RESULT file={Path.GetFileName(file)} peak_rss_growth_mb={(Status("VmHWM:") - before) >> 20} {outcome}");
            }
            return 0;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(args[0]));
        var summary = new SortedDictionary<string, int[]>(StringComparer.Ordinal); // equal, refused, wrong, crashed, oracle-refused
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var path = e.GetProperty("path").GetString()!;
            var oracle = e.GetProperty("oracle").GetString()!;
            if (!summary.TryGetValue(oracle, out var counts)) summary[oracle] = counts = new int[6];
            string verdict, detail;
            using (var scope = DisposeScope.Open())
            {
                (verdict, detail) = Classify(path, e);
            }
            var slot = verdict switch { "equal" => 0, "refused" => 1, "wrong" => 2, "crashed" => 3, "both-refuse" => 4, _ => 5 };
            counts[slot]++;
            Console.WriteLine($"{verdict,-12} {oracle,-13} {Path.GetFileName(path),-48} {detail}");
        }
        Console.WriteLine();
        Console.WriteLine("| oracle | files | equal | refused (oracle reads) | wrong | crashed | both refuse | read (oracle refuses) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (oracle, c) in summary)
            Console.WriteLine($"| {oracle} | {c.Sum()} | {c[0]} | {c[1]} | {c[2]} | {c[3]} | {c[4]} | {c[5]} |");
        return 0;
    }

    private static (string Verdict, string Detail) Classify(string path, JsonElement e)
    {
        var oracleRefuses = e.TryGetProperty("refused", out var why);
        MedicalImage image;
        try
        {
            image = ImageReader.Read(path);
        }
        catch (ImageReadException ex)
        {
            return oracleRefuses ? ("both-refuse", Short(ex.Reason)) : ("refused", Short(ex.Reason));
        }
        catch (Exception ex)
        {
            return ("crashed", Short($"{ex.GetType().Name}: {ex.Message}"));
        }
        if (oracleRefuses) return ("read-only-us", Short(why.GetString() ?? ""));
        var t = image.Data.To(DType.Float64).NanToNum(); // NaN voxels count as 0, as in oracle.py
        var numel = t.NumEl;
        double sum = t.Sum().ToDouble(), sumsq = t.Square().Sum().ToDouble(), min = t.Min().ToDouble(), max = t.Max().ToDouble();
        var oNumel = e.GetProperty("numel").GetInt64();
        double oSum = e.GetProperty("sum").GetDouble(), oSumsq = e.GetProperty("sumsq").GetDouble();
        double oMin = e.GetProperty("min").GetDouble(), oMax = e.GetProperty("max").GetDouble(), tol = e.GetProperty("tol").GetDouble();
        if (numel != oNumel) return ("wrong", $"{numel} elements, oracle {oNumel}");
        var abs = tol + 1e-6 * Math.Max(1, Math.Max(Math.Abs(oMin), Math.Abs(oMax)));
        var ok = Math.Abs(min - oMin) <= abs && Math.Abs(max - oMax) <= abs && Math.Abs(sum / numel - oSum / oNumel) <= abs
                 && (tol > 0 || Math.Abs(sumsq - oSumsq) <= 1e-6 * Math.Max(1, Math.Abs(oSumsq)));
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"min {min:G6}/{oMin:G6} max {max:G6}/{oMax:G6} mean {sum / numel:G6}/{oSum / oNumel:G6}");
        return (ok ? "equal" : "wrong", detail);
    }

    private static long Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

        private static string Short(string s) => s.Length > 110 ? s[..110] + "..." : s;
}
