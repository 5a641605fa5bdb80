using System.Globalization;
using MedLearn.Data.Datasets;

namespace MedLearn.Runs;

/// <summary>
/// Shared CSV helpers of the run files: numbers in invariant culture and shortest round-trip form, with
/// <c>nan</c>, <c>inf</c>, <c>-inf</c> for the special values (what pandas and numpy read); reading goes through
/// the toolkit's RFC 4180 reader, with its errors reported as <see cref="RunFileException"/>.
/// </summary>
internal static class RunCsv
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Shortest round-trip text; nan / inf / -inf.</summary>
    public static string Format(double v) =>
        double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", Inv);

    /// <summary>Parses <see cref="Format"/>'s output (also NaN, Infinity, +inf in any case; empty is not a number).</summary>
    public static bool TryParse(string text, out double value)
    {
        var s = text.Trim();
        switch (s.ToLowerInvariant())
        {
            case "nan": value = double.NaN; return true;
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }
        return double.TryParse(s, NumberStyles.Float, Inv, out value) && double.IsFinite(value);
    }

    /// <summary>Reads and parses a CSV file; unreadable or malformed files become a <see cref="RunFileException"/>.</summary>
    public static List<CsvTable.Row> ReadRows(string path, string what)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFileException(path, $"{path}: cannot read the {what}: {e.Message}", e);
        }
        try { return CsvTable.Parse(new StringReader(text), path); }
        catch (DatasetException e) { throw new RunFileException(path, e.Message, e); }
    }

    /// <summary>A CSV line (fields escaped as needed) with a trailing LF.</summary>
    public static string Line(IEnumerable<string> fields) => string.Join(',', fields.Select(CsvTable.Escape)) + "\n";
}
