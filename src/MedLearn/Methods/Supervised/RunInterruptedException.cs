namespace MedLearn.Methods.Supervised;

/// <summary>
/// A run was cancelled after its training had finished — while evaluating the held-out split, timing inference
/// or writing the report. The checkpoints (and model.pt once exported) are on disk; resuming the run skips the
/// finished training and redoes the evaluation and report.
/// </summary>
public sealed class RunInterruptedException(string runPath, OperationCanceledException inner)
    : OperationCanceledException($"{runPath}: the run was stopped before its evaluation and report were complete", inner, inner.CancellationToken)
{
    /// <summary>The run folder.</summary>
    public string RunPath { get; } = runPath;

    /// <summary>Runs <paramref name="work"/>, naming <paramref name="runPath"/> in any cancellation it ends with.</summary>
    internal static T Wrap<T>(string runPath, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (OperationCanceledException e) when (e is not RunInterruptedException)
        {
            throw new RunInterruptedException(runPath, e);
        }
    }
}
