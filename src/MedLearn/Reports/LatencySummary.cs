namespace MedLearn.Reports;

/// <summary>Measured inference latency.</summary>
/// <param name="MeanMs">Mean latency per batch in milliseconds.</param>
/// <param name="P95Ms">95th-percentile latency per batch in milliseconds.</param>
/// <param name="Device">Device description ("CPU (2 threads)", "CUDA:0 RTX 4090", ...).</param>
/// <param name="Precision">Numeric precision ("float32", "float16 autocast", ...).</param>
public sealed record LatencySummary(double MeanMs, double P95Ms, string Device, string Precision)
{
    /// <summary>Images per timed batch, or null. With it the page also shows the throughput <c>1000 · BatchSize / MeanMs</c>.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Number of timed runs, or null.</summary>
    public int? Runs { get; init; }
}
