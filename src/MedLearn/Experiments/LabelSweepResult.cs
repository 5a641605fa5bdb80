namespace MedLearn.Experiments;

/// <summary>The outcome of <see cref="LabelSweep.Run"/>.</summary>
/// <param name="Folder">The sweep folder.</param>
/// <param name="Summary">Cells, aggregates, comparisons and conclusions (also in sweep.json).</param>
/// <param name="Cancelled">True when the sweep stopped early (Ctrl-C): the running cell saved a checkpoint; rerun to continue.</param>
/// <param name="ReportPath">report.html.</param>
public sealed record LabelSweepResult(string Folder, LabelSweepSummary Summary, bool Cancelled, string ReportPath)
{
    /// <summary>Cells that completed (this time or earlier).</summary>
    public int CompletedCells => Summary.Cells.Count(c => c.Status == "completed");
}
