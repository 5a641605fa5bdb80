namespace MedLearn.Methods.Gmic;

/// <summary>
/// The explanation files of one image written by <see cref="GmicExplainer"/> (also its JSON file, snake_case). Box
/// coordinates and the saliency maps' size are network-input pixels (after the run's preprocessing).
/// </summary>
/// <param name="Path">The image file.</param>
/// <param name="TrueLabel">The true class when known, else null.</param>
/// <param name="Head">The head reported as <paramref name="Probabilities"/>.</param>
/// <param name="Views">Test-time views averaged (1 = none).</param>
/// <param name="Probabilities">Per output name, the probability of the head.</param>
/// <param name="Fusion">y_fusion per output name.</param>
/// <param name="Global">y_global per output name.</param>
/// <param name="Local">y_local per output name.</param>
/// <param name="TopOutput">The most probable output.</param>
/// <param name="InputHeight">Network input height (the maps' and boxes' frame).</param>
/// <param name="InputWidth">Network input width.</param>
/// <param name="Preprocessing">The run's preprocessing profile.</param>
/// <param name="SaliencyInterpolation">How the saliency grid was brought to input size ("nearest").</param>
/// <param name="SaliencyMax">Per output name, the largest saliency value.</param>
/// <param name="SaliencyOverlays">Per output name, the overlay PNG's file name.</param>
/// <param name="BoxesOverlay">The boxes PNG's file name.</param>
/// <param name="Boxes">The K boxes with their attention weights and patch PNGs, in selection order.</param>
public sealed record GmicExplanation(
    string Path,
    string? TrueLabel,
    GmicHead Head,
    int Views,
    IReadOnlyDictionary<string, double> Probabilities,
    IReadOnlyDictionary<string, double> Fusion,
    IReadOnlyDictionary<string, double> Global,
    IReadOnlyDictionary<string, double> Local,
    string TopOutput,
    int InputHeight,
    int InputWidth,
    string Preprocessing,
    string SaliencyInterpolation,
    IReadOnlyDictionary<string, double> SaliencyMax,
    IReadOnlyDictionary<string, string> SaliencyOverlays,
    string BoxesOverlay,
    IReadOnlyList<GmicExplainedBox> Boxes);

/// <summary>One box of a <see cref="GmicExplanation"/>.</summary>
/// <param name="Rank">Selection order (0 = first).</param>
/// <param name="Row">Upper-left row in input pixels.</param>
/// <param name="Column">Upper-left column.</param>
/// <param name="Height">Patch height.</param>
/// <param name="Width">Patch width.</param>
/// <param name="Attention">Attention weight.</param>
/// <param name="Patch">The patch PNG's file name.</param>
public sealed record GmicExplainedBox(int Rank, int Row, int Column, int Height, int Width, double Attention, string Patch);
