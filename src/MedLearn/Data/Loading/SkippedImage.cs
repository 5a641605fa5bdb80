namespace MedLearn.Data.Loading;

/// <summary>An image left out under <see cref="ErrorPolicy.Skip"/>: which file, in which phase it was found, and why.</summary>
/// <param name="Path">The image (or its mask).</param>
/// <param name="Phase">Where it was found: check (before training), train, val, test, latency, explain or predict.</param>
/// <param name="Reason">The reader's message.</param>
public sealed record SkippedImage(string Path, string Phase, string Reason);
