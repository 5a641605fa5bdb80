namespace MedLearn.Methods.Gmic;

/// <summary>
/// One retrieved patch of a GMIC prediction as a box in network-input pixels: rows Row .. Row + Height − 1 and columns
/// Column .. Column + Width − 1 (it may reach past the image's borders, where the patch is filled with the image's
/// minimum), with its gated-attention weight.
/// </summary>
/// <param name="Rank">Selection order of retrieve_roi (0 = first, the most salient window).</param>
/// <param name="Row">Upper-left row (may be negative or the box may end past the last row).</param>
/// <param name="Column">Upper-left column.</param>
/// <param name="Height">Crop height.</param>
/// <param name="Width">Crop width.</param>
/// <param name="Attention">Attention weight a_k (the K weights of an image sum to 1).</param>
public sealed record GmicBox(int Rank, int Row, int Column, int Height, int Width, double Attention);
