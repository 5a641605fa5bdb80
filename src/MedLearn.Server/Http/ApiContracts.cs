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
public sealed record ExplainResponse(string Model, string Method, string? Layer, string Predicted, double PredictedProbability, string Target,
    double TargetProbability, IReadOnlyList<ClassProbability> Probabilities, HeatMap Map, bool AllZero, double? DeletionAuc,
    string OverlayPng, double Seconds);

/// <summary>The answer of <c>GET /v1/models</c>.</summary>
public sealed record ModelList(IReadOnlyList<JsonObject> Models);

/// <summary>The answer of <c>GET /v1/health</c> and <c>GET /v1/ready</c>.</summary>
public sealed record HealthResponse(string Status, IReadOnlyList<string> Models, string Version);
