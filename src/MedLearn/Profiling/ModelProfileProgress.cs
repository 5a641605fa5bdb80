namespace MedLearn.Profiling;

/// <summary>Progress of <see cref="ModelProfiler.Profile"/>: <paramref name="Done"/> of <paramref name="Total"/> steps of <paramref name="Phase"/> ("warm-up" or "profile").</summary>
public sealed record ModelProfileProgress(string Phase, int Done, int Total);
