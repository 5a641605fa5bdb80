using System.Text.Json.Nodes;

namespace MedLearn.Server.Http;

/// <summary>One class's probability.</summary>
public sealed record ClassProbability(string Name, double Probability);

/// <summary>Where the time of a prediction went, in milliseconds.</summary>
/// <param name="ReceiveMs">Receiving the upload.</param>
/// <param name="PreprocessMs">Decoding and preprocessing.</param>
/// <param name="QueueMs">Waiting for the batch.</param>
/// <param name="ForwardMs">The batch's forward pass.</param>
/// <param name="TotalMs">All of it.</param>
/// <param name="BatchSize">Images in that forward pass.</param>
public sealed record PredictTiming(double ReceiveMs, double PreprocessMs, double QueueMs, double ForwardMs, double TotalMs, int BatchSize);

/// <summary>The answer of <c>POST /v1/models/{name}/predict</c>.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Predicted">The most probable class.</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Probabilities">Every class in the model's order.</param>
/// <param name="Top">The classes by probability, most probable first (all, or ?top=K).</param>
/// <param name="Timing">Where the time went.</param>
public sealed record PredictResponse(string Model, string Predicted, double Probability, IReadOnlyList<ClassProbability> Probabilities,
    IReadOnlyList<ClassProbability> Top, PredictTiming Timing);

/// <summary>A heat map on the model's input grid and where that grid lies in the uploaded image.</summary>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Values">Row-major values.</param>
/// <param name="Region">The part of the uploaded image the model saw (the centre crop after the resize), in its pixels.</param>
public sealed record HeatMap(int Height, int Width, double Min, double Max, IReadOnlyList<float> Values, ImageRegion Region);

/// <summary>A rectangle in image pixels.</summary>
public sealed record ImageRegion(double Top, double Left, double Height, double Width);

/// <summary>The answer of <c>POST /v1/models/{name}/explain</c>.</summary>
/// <remarks>A GMIC model answers with its own saliency map (method <c>gmic-saliency</c>, on its saliency grid) and the
/// retrieved patches in <see cref="Boxes"/> with their picture in <see cref="BoxesPng"/>; both are null for classifiers.</remarks>
public sealed record ExplainResponse(string Model, string Method, string? Layer, string Predicted, double PredictedProbability, string Target,
    double TargetProbability, IReadOnlyList<ClassProbability> Probabilities, HeatMap Map, bool AllZero, double? DeletionAuc,
    string OverlayPng, double Seconds, IReadOnlyList<PatchBox>? Boxes = null, string? BoxesPng = null);

/// <summary>One patch GMIC retrieved, in the network input's pixels (input size in the model card).</summary>
/// <param name="Rank">Selection order (0 = first retrieved).</param>
/// <param name="Row">Top row.</param>
/// <param name="Column">Left column.</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Attention">The patch's attention weight in the local module (the weights sum to 1).</param>
public sealed record PatchBox(int Rank, int Row, int Column, int Height, int Width, double Attention);

/// <summary>The answer of <c>POST /v1/models/{name}/predict</c> for a segmentation model.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Shape">The volume's [D, H, W].</param>
/// <param name="Spacing">Voxel spacing in mm, in the order of <see cref="Shape"/>.</param>
/// <param name="Labels">Per label (0 = background): voxels and volume.</param>
/// <param name="MaskNifti">The label volume as a gzipped NIfTI-1 file (uint8) with the upload's geometry, base64.</param>
/// <param name="Seconds">Time of the segmentation (reading, sliding window, writing).</param>
public sealed record SegmentResponse(string Model, IReadOnlyList<long> Shape, IReadOnlyList<double> Spacing, IReadOnlyList<LabelVolume> Labels, string MaskNifti, double Seconds);

/// <summary>One label's share of a segmentation.</summary>
/// <param name="Label">The label value in the mask.</param>
/// <param name="Voxels">Voxels with this label.</param>
/// <param name="VolumeMl">Voxels x voxel volume (product of the spacing, mm³) / 1000.</param>
public sealed record LabelVolume(int Label, long Voxels, double VolumeMl);

/// <summary>The answer of <c>GET /v1/models</c>.</summary>
public sealed record ModelList(IReadOnlyList<JsonObject> Models);

/// <summary>The answer of <c>GET /v1/health</c> and <c>GET /v1/ready</c>.</summary>
public sealed record HealthResponse(string Status, IReadOnlyList<string> Models, string Version);
