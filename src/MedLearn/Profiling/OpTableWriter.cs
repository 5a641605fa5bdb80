using System.Globalization;
using System.Text;
using MedLearn.Runs;

namespace MedLearn.Profiling;

/// <summary>
/// Per-op tables of a profile (<see cref="OpStatistics"/>) as Markdown and CSV, with times per profiled step
/// (a training step or one inference call) so profiles of different lengths compare. Columns: op name, calls per
/// step, self ms per step, self share of the summed self time (%), total ms per step (children included), total
/// calls, self and total µs over the whole profile. Written atomically (temporary file + rename).
/// </summary>
public static class OpTableWriter
{
    /// <summary>The Markdown table (rows in the order given; <paramref name="limit"/> rows at most, the rest summed in one "other" row).</summary>
    /// <param name="ops">Statistics, usually sorted by self time.</param>
    /// <param name="steps">Number of profiled steps the statistics cover (at least 1).</param>
    /// <param name="limit">Rows to list before "other ops"; null lists every op.</param>
    public static string Markdown(IReadOnlyList<OpStatistics> ops, int steps, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var totalSelf = ops.Sum(o => o.SelfNanoseconds);
        var text = new StringBuilder();
        text.Append("| Op | calls/step | self ms/step | self % | total ms/step |\n|---|---:|---:|---:|---:|\n");
        var shown = limit is int n && n < ops.Count ? ops.Take(n).ToList() : ops.ToList();
        foreach (var op in shown)
            text.Append(Row(Cell(op.Name), op.Calls, op.SelfNanoseconds, op.TotalNanoseconds, totalSelf, steps));
        if (shown.Count < ops.Count)
        {
            var rest = ops.Skip(shown.Count).ToList();
            text.Append(Row($"({rest.Count} other ops)", rest.Sum(o => o.Calls), rest.Sum(o => o.SelfNanoseconds), rest.Sum(o => o.TotalNanoseconds), totalSelf, steps));
        }
        text.Append(string.Create(CultureInfo.InvariantCulture, $"| **all ops (self time)** | {(double)ops.Sum(o => o.Calls) / steps:0.##} | **{Ms(totalSelf, steps)}** | 100.0 | |\n"));
        return text.ToString();
    }

    /// <summary>The CSV table: header <c>op,calls,self_us,total_us,steps,calls_per_step,self_ms_per_step,total_ms_per_step,self_percent</c>, one row per op.</summary>
    public static string Csv(IReadOnlyList<OpStatistics> ops, int steps)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var totalSelf = ops.Sum(o => o.SelfNanoseconds);
        var text = new StringBuilder(RunCsv.Line(["op", "calls", "self_us", "total_us", "steps", "calls_per_step", "self_ms_per_step", "total_ms_per_step", "self_percent"]));
        foreach (var op in ops)
            text.Append(RunCsv.Line([op.Name, I(op.Calls), F(op.SelfNanoseconds / 1e3), F(op.TotalNanoseconds / 1e3), I(steps),
                F((double)op.Calls / steps), F(op.SelfNanoseconds / 1e6 / steps), F(op.TotalNanoseconds / 1e6 / steps), F(Percent(op.SelfNanoseconds, totalSelf))]));
        return text.ToString();
    }

    /// <summary>Writes <see cref="Markdown"/> (with a heading and <paramref name="preamble"/> lines) atomically to <paramref name="path"/>.</summary>
    public static void WriteMarkdown(string path, IReadOnlyList<OpStatistics> ops, int steps, string title, IEnumerable<string> preamble)
    {
        var text = new StringBuilder($"# {title}\n\n");
        foreach (var line in preamble) text.Append("- ").Append(line).Append('\n');
        text.Append('\n').Append(Markdown(ops, steps));
        AtomicText.Write(path, text.ToString());
    }

    /// <summary>Writes <see cref="Csv"/> atomically to <paramref name="path"/>.</summary>
    public static void WriteCsv(string path, IReadOnlyList<OpStatistics> ops, int steps) => AtomicText.Write(path, Csv(ops, steps));

    private static string Row(string name, long calls, long self, long total, long totalSelf, int steps) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {(double)calls / steps:0.##} | {Ms(self, steps)} | {Percent(self, totalSelf):0.0} | {Ms(total, steps)} |\n");

    private static string Ms(long nanoseconds, int steps) => (nanoseconds / 1e6 / steps).ToString("0.000", CultureInfo.InvariantCulture);

    private static double Percent(long part, long whole) => whole > 0 ? 100.0 * part / whole : 0;

    private static string Cell(string name) => name.Replace("|", "\\|", StringComparison.Ordinal);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
