namespace MedLearn.Experiments;

/// <summary>What a label sweep is doing, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Kind">The kind of event.</param>
/// <param name="Cell">The cell concerned (null for sweep-level events).</param>
/// <param name="Index">0-based position of the cell in the grid.</param>
/// <param name="Count">Cells in the grid.</param>
/// <param name="Message">A sentence for the user.</param>
/// <param name="Result">The cell's outcome (finished, skipped, diverged, failed), else null.</param>
public sealed record LabelSweepEvent(LabelSweepEventKind Kind, LabelSweepCell? Cell, int Index, int Count, string Message, LabelSweepCellResult? Result = null);

/// <summary>Kinds of <see cref="LabelSweepEvent"/>.</summary>
public enum LabelSweepEventKind
{
    /// <summary>A cell starts training from scratch.</summary>
    CellStarting,
    /// <summary>An interrupted cell resumes from its last checkpoint.</summary>
    CellResuming,
    /// <summary>A cell finished in an earlier invocation; its results are reused.</summary>
    CellSkipped,
    /// <summary>A cell finished (completed or diverged).</summary>
    CellFinished,
    /// <summary>A cell could not run (bad data for this fraction, e.g. fewer labeled images than a batch); the sweep goes on and retries it next time.</summary>
    CellFailed,
    /// <summary>A warning of a cell (e.g. no unlabeled images: supervised fallback).</summary>
    Warning,
    /// <summary>sweep.json, sweep.csv and report.html were (re)written.</summary>
    ReportWritten,
}
