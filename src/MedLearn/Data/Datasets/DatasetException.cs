namespace MedLearn.Data.Datasets;

/// <summary>
/// A dataset description is invalid (manifest row, folder layout, split file, class list) or one of its items
/// is inconsistent (mask shape). The message names the file and, for CSV files, the 1-based row number
/// (the header is row 1); <see cref="Problems"/> lists every problem found, not only the first.
/// </summary>
public sealed class DatasetException : Exception
{
    /// <summary>One problem.</summary>
    public DatasetException(string message) : base(message) => Problems = [message];

    /// <summary>One problem caused by <paramref name="inner"/>.</summary>
    public DatasetException(string message, Exception inner) : base(message, inner) => Problems = [message];

    /// <summary>Several problems found in <paramref name="source"/>; the message shows the first ten.</summary>
    public DatasetException(string source, IReadOnlyList<string> problems)
        : base(Format(source, problems)) => Problems = problems;

    /// <summary>Every problem found (each names its row or file).</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string source, IReadOnlyList<string> problems)
    {
        const int shown = 10;
        var head = $"{source}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}: ";
        var body = string.Join("; ", problems.Take(shown));
        return problems.Count > shown ? head + body + $"; ... and {problems.Count - shown} more" : head + body;
    }
}
