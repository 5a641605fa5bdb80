namespace MedLearn.Explain;

/// <summary>A box of an image (upper-left pixel and size; it may reach past the borders) with a weight to colour it by.</summary>
/// <param name="Row">Upper-left row.</param>
/// <param name="Column">Upper-left column.</param>
/// <param name="Height">Rows covered.</param>
/// <param name="Width">Columns covered.</param>
/// <param name="Weight">The value its colour shows (e.g. an attention weight).</param>
/// <param name="Label">A short number drawn inside its upper-left corner (digits only), or null.</param>
public sealed record WeightedBox(int Row, int Column, int Height, int Width, double Weight, string? Label = null);
