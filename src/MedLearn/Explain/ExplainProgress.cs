namespace MedLearn.Explain;

/// <summary>Progress of an explanation: <paramref name="Done"/> of <paramref name="Total"/> units (occlusion windows, images).</summary>
/// <param name="Done">Units finished.</param>
/// <param name="Total">Units in all.</param>
public readonly record struct ExplainProgress(int Done, int Total);
