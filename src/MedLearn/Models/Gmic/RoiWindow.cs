namespace MedLearn.Models.Gmic;

/// <summary>
/// One patch chosen by <see cref="RoiRetrieval"/>: the window's upper-left corner on the saliency grid
/// (<paramref name="GridRow"/>, <paramref name="GridColumn"/>) and the patch's upper-left corner in input pixels
/// (<paramref name="Row"/>, <paramref name="Column"/>).
/// </summary>
public readonly record struct RoiWindow(int GridRow, int GridColumn, int Row, int Column);
