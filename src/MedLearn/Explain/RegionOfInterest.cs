namespace MedLearn.Explain;

/// <summary>
/// A box of the input (per spatial axis: first pixel and length, in input pixels) to which occlusion windows are
/// restricted: windows are laid out inside the box only, so the cost falls with its area.
/// </summary>
/// <param name="Start">First pixel per spatial axis ([y, x] for images, [z, y, x] for volumes).</param>
/// <param name="Size">Length per spatial axis (at least the window's).</param>
public sealed record RegionOfInterest(IReadOnlyList<long> Start, IReadOnlyList<long> Size);
