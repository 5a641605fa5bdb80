namespace MedLearn.Runs;

/// <summary>
/// A configuration file (or override) does not fit the options type: unknown keys, values of the wrong type,
/// malformed YAML. Every problem found is reported, not only the first; each names the file, the line and column
/// and the key path (see <see cref="ConfigProblem"/>).
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Problems found while binding (at least one).</summary>
    public ConfigException(IReadOnlyList<ConfigProblem> problems, Exception? inner = null) : base(Format(problems), inner)
    {
        if (problems.Count == 0) throw new ArgumentException("at least one problem required", nameof(problems));
        Problems = problems;
    }

    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    private static string Format(IReadOnlyList<ConfigProblem> problems)
    {
        if (problems.Count == 1) return problems[0].ToString();
        const int shown = 20;
        var head = $"{problems.Count} configuration problems:\n  ";
        var body = string.Join("\n  ", problems.Take(shown));
        return problems.Count > shown ? head + body + $"\n  ... and {problems.Count - shown} more" : head + body;
    }
}
