using System.Globalization;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision.models.VisionTransformer (no conv stem, no representation layer) with its exact parameter names,
/// registration order and initialisation: <c>class_token</c> [1, 1, D] (zeros), <c>conv_proj</c> (patch
/// embedding, conv P x P / P; trunc_normal std √(1/fan_in), zero bias), <c>encoder</c> (<see cref="Encoder"/>) and
/// <c>heads</c> = (<c>head</c>: Linear, zero weight and bias). The pooled feature vector is the class token after
/// the encoder's final LayerNorm.
/// </summary>
/// <remarks>
/// Input sizes: the position embedding is learned for <see cref="ImageSize"/>; an input whose patch grid differs
/// (any height and width divisible by the patch size) uses the embedding resized to its grid by
/// <see cref="PositionEmbedding.Resize"/> (bicubic, align_corners = true, class token kept: torchvision's
/// <c>interpolate_embeddings</c>, applied on the fly and differentiable). Weights files trained at another size are
/// resized the same way on import (<see cref="PretrainedWeights"/>, named in the import report).
/// </remarks>
public sealed class VisionTransformer : ImageClassifier
{
    private readonly Conv2d _convProj;
    private readonly Encoder _encoder;
    private readonly long _hiddenDim;
    private readonly long _grid;

    /// <summary>
    /// A ViT for <paramref name="imageSize"/> px inputs cut into <paramref name="patchSize"/> px patches, with
    /// <paramref name="numLayers"/> blocks of width <paramref name="hiddenDim"/>, <paramref name="numHeads"/> heads and
    /// MLPs of <paramref name="mlpDim"/>.
    /// </summary>
    public VisionTransformer(long imageSize, long patchSize, int numLayers, long numHeads, long hiddenDim, long mlpDim,
        double dropout = 0, long numClasses = 1000, long inChannels = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patchSize, 1);
        if (imageSize % patchSize != 0) throw new ArgumentException($"Input shape indivisible by patch size! ({imageSize} px, patch {patchSize})", nameof(imageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ImageSize = imageSize;
        PatchSize = patchSize;
        _hiddenDim = hiddenDim;
        _grid = imageSize / patchSize;

        _convProj = RegisterModule("conv_proj", new Conv2d(inChannels, hiddenDim, patchSize, stride: patchSize));
        ClassToken = RegisterParameter("class_token", torch.Zeros([1, 1, hiddenDim]))!;
        _encoder = RegisterModule("encoder", new Encoder(_grid * _grid + 1, numLayers, numHeads, hiddenDim, mlpDim, dropout));
        RegisterModule("heads", new Sequential(("head", new Linear(hiddenDim, numClasses))));

        using var noGrad = GradMode.NoGrad();
        var fanIn = inChannels * patchSize * patchSize;
        Init.TruncNormal_(_convProj.Weight, std: Math.Sqrt(1.0 / fanIn));
        Init.Zeros_(_convProj.Bias!);
        InitHead((Linear)GetSubmodule(HeadName));
    }

    /// <summary>torchvision.models.vit_b_16: patch 16, 12 layers, 12 heads, width 768, MLP 3072 (for <paramref name="imageSize"/> px, default 224).</summary>
    public static VisionTransformer ViTB16(long numClasses = 1000, long inChannels = 3, long imageSize = 224) =>
        new(imageSize, 16, 12, 12, 768, 3072, 0, numClasses, inChannels);

    /// <summary>The input size the position embedding was made for.</summary>
    public long ImageSize { get; }

    /// <summary>The patch size (the stride of conv_proj).</summary>
    public long PatchSize { get; }

    /// <summary>The learnable class token [1, 1, D].</summary>
    public Tensor ClassToken { get; }

    /// <inheritdoc/>
    public override string HeadName => "heads.head";

    /// <inheritdoc/>
    public override string FirstConvName => "conv_proj";

    /// <inheritdoc/>
    public override long FeatureDim => _hiddenDim;

    /// <summary>torchvision initialises the head to zero (weight and bias).</summary>
    protected override void InitHead(Linear head)
    {
        using var noGrad = GradMode.NoGrad();
        Init.Zeros_(head.Weight);
        Init.Zeros_(head.Bias!);
    }

    /// <summary>
    /// "conv_proj" (the patch embedding [N, D, H/P, W/P]) and, per block i, "encoder.layers.encoder_layer_i.ln_1": the
    /// block's normalised input tokens without the class token, laid out as a map [N, D, H/P, W/P]. The last one (the
    /// default Grad-CAM layer) is the input of the last self-attention, the latest point at which the patch tokens
    /// still reach the class token (after it they only feed their own outputs, which the head never reads).
    /// </summary>
    public override IReadOnlyList<string> ActivationNames =>
        ["conv_proj", .. Enumerable.Range(0, _encoder.NumLayers).Select(i => LayerName(i))];

    private static string LayerName(int i) => string.Create(CultureInfo.InvariantCulture, $"encoder.layers.encoder_layer_{i}.ln_1");

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture)
    {
        if (input.Dim != 4) throw new ArgumentException($"{TypeName} expects images [N, C, H, W], got [{string.Join(", ", input.Shape)}]", nameof(input));
        long n = input.Shape[0], h = input.Shape[2], w = input.Shape[3];
        if (h % PatchSize != 0 || w % PatchSize != 0)
            throw new ArgumentException($"{TypeName}: image size {h}x{w} is not divisible by the patch size {PatchSize}", nameof(input));
        long gh = h / PatchSize, gw = w / PatchSize;
        using var scope = capture is null ? DisposeScope.Open() : null;

        var map = _convProj.Forward(input);
        if (capture is not null) map = capture.Record("conv_proj", map);
        var tokens = map.Reshape(n, _hiddenDim, gh * gw).Permute(0, 2, 1);
        tokens = torch.Cat([ClassToken.Expand(n, -1, -1), tokens], 1);
        var positions = PositionEmbedding.Resize(_encoder.PosEmbedding, _grid, _grid, gh, gw);
        Func<int, Tensor, Tensor>? hook = capture is null ? null : (i, t) => RecordTokens(capture, LayerName(i), t, gh, gw);
        var features = _encoder.Forward(tokens, positions, hook).Select(1, 0);
        return scope is null ? features : scope.MoveToOuter(features);
    }

    /// <summary>Records the patch tokens of <paramref name="tokens"/> [N, 1 + gh·gw, D] as a map and returns the tokens to continue with.</summary>
    private Tensor RecordTokens(ActivationCapture capture, string name, Tensor tokens, long gh, long gw)
    {
        long n = tokens.Shape[0];
        var cls = tokens.Narrow(1, 0, 1);
        var map = tokens.Narrow(1, 1, gh * gw).Permute(0, 2, 1).Reshape(n, _hiddenDim, gh, gw);
        var continued = capture.Record(name, map);
        if (ReferenceEquals(continued, map)) return tokens;
        return torch.Cat([cls, continued.Reshape(n, _hiddenDim, gh * gw).Permute(0, 2, 1)], 1);
    }

    /// <summary>
    /// Resizes an imported <c>encoder.pos_embedding</c> made for another (square) patch grid to this model's grid
    /// (torchvision's <c>interpolate_embeddings</c>, bicubic, align_corners = true).
    /// </summary>
    protected internal override OrderedDictionary<string, Tensor> AdaptImportedStateDict(OrderedDictionary<string, Tensor> stateDict, List<string> notes)
    {
        const string key = "encoder.pos_embedding";
        if (!stateDict.TryGetValue(key, out var pos) || pos.Dim != 3 || pos.Shape[0] != 1 || pos.Shape[2] != _hiddenDim
            || pos.Shape[1] == _encoder.PosEmbedding.Shape[1] || PositionEmbedding.SquareGridSide(pos.Shape[1]) is not long g)
            return stateDict;
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (k, t) in stateDict)
            result[k] = k == key ? PositionEmbedding.Resize(t.Detach(), g, g, _grid, _grid) : t;
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"{key} resized from a {g}x{g} to a {_grid}x{_grid} patch grid (bicubic, align_corners, class token kept; {g * PatchSize} -> {ImageSize} px)"));
        return result;
    }
}
