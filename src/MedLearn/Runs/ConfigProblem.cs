namespace MedLearn.Runs;

/// <summary>
/// One problem found while binding a configuration: where it is (source file, 1-based line and column, 0 when the
/// value did not come from a file such as a <c>--set</c> override) and which key (dotted path with list indices, as
/// written in the file: <c>optimizer.momentun</c>, <c>augment.ops[2].name</c>).
/// </summary>
/// <param name="Source">The file name (or another description of where the text came from).</param>
/// <param name="KeyPath">Dotted key path; empty for the document itself.</param>
/// <param name="Line">1-based line, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
/// <param name="Description">What is wrong, e.g. "unknown key 'optimizer.momentun' (did you mean 'optimizer.momentum'?)".</param>
public sealed record ConfigProblem(string Source, string KeyPath, int Line, int Column, string Description)
{
    /// <summary><c>source:line:column: description</c> (without the position when it is unknown).</summary>
    public override string ToString() => Line > 0 ? $"{Source}:{Line}:{Column}: {Description}" : $"{Source}: {Description}";
}
