namespace MedLearn.Torch.Tests;

/// <summary>Live-tensor baselines that earlier tests' garbage cannot disturb.</summary>
public static class LeakCheck
{
    /// <summary>
    /// Runs pending finalizers first (tensors an earlier test dropped without disposing would otherwise be freed
    /// in the middle of this test and shift the count), then returns <see cref="LiveTensors.Count"/>.
    /// </summary>
    public static long Baseline()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return LiveTensors.Count;
    }
}
