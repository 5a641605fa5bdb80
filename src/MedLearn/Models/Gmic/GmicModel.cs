using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Gmic;

/// <summary>
/// GMIC, the globally-aware multiple-instance classifier (Shen et al. 2021), for single-channel images
/// [N, 1, H, W]:
/// <list type="number">
/// <item>global module <c>ds_net</c>: ResNet-22 pre-activation trunk (<see cref="PreActResNet"/>; conv 7x7/2 with
/// the authors' padding 3) -&gt; h_g [N, 256, h, w]; saliency A = <c>left_postprocess_net</c>(h_g) [N, C, h, w];
/// y_global = <see cref="TopTPercentPooling"/>(A, t);</item>
/// <item><see cref="RoiRetrieval"/> picks K windows on A; <see cref="PatchCropper"/> cuts them from the input;</item>
/// <item>local module <c>dn_resnet</c>: torchvision ResNet-18 without its head (the grayscale patch repeated to
/// 3 channels), global average pooled -&gt; h_k [N, K, 512];</item>
/// <item><see cref="GatedAttention"/> (<c>mil_attn_V</c>, <c>mil_attn_U</c>, <c>mil_attn_w</c>) -&gt; z, a;
/// y_local = sigmoid(<c>classifier_linear</c>(z)) (no bias);</item>
/// <item>fusion: g = spatial max of h_g; y_fusion = sigmoid(<c>fusion_network</c>([g; z])).</item>
/// </list>
/// Parameter names and registration order are the authors' (nyukat/GMIC), so their released state dicts load by
/// name. About 14.1 M parameters with 2 classes, whatever the image size.
/// </summary>
public sealed class GmicModel : Module<Tensor, GmicOutput>
{
    private readonly PreActResNet _global;
    private readonly GmicSaliencyHead _saliency;
    private readonly ResNet _local;
    private readonly Linear _attentionV;
    private readonly Linear _attentionU;
    private readonly Linear _attentionW;
    private readonly Linear _localClassifier;
    private readonly Linear _fusion;

    /// <summary>A freshly initialised GMIC (torch.nn defaults for the global module and heads, torchvision's
    /// ResNet initialisation for the local module, as in the authors' code).</summary>
    public GmicModel(GmicOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _global = RegisterModule("ds_net", new PreActResNet(1, numFilters: 16, firstKernelSize: 7, firstStride: 2, firstPadding: 3,
            firstPoolSize: 3, firstPoolStride: 2, firstPoolPadding: 0, blocksPerStage: [2, 2, 2, 2, 2], strides: [1, 2, 2, 2, 2]));
        _saliency = RegisterModule("left_postprocess_net", new GmicSaliencyHead(GmicOptions.GlobalChannels, options.Classes));
        _local = RegisterModule("dn_resnet", ResNet.ResNet18(numClasses: 1, inChannels: options.LocalInChannels));
        _local.ReplaceModule(_local.HeadName, new Identity());
        _attentionV = RegisterModule("mil_attn_V", new Linear(GmicOptions.LocalChannels, GmicOptions.AttentionHidden, bias: false));
        _attentionU = RegisterModule("mil_attn_U", new Linear(GmicOptions.LocalChannels, GmicOptions.AttentionHidden, bias: false));
        _attentionW = RegisterModule("mil_attn_w", new Linear(GmicOptions.AttentionHidden, 1, bias: false));
        _localClassifier = RegisterModule("classifier_linear", new Linear(GmicOptions.LocalChannels, options.Classes, bias: false));
        _fusion = RegisterModule("fusion_network", new Linear(GmicOptions.GlobalChannels + GmicOptions.LocalChannels, options.Classes));
    }

    /// <summary>The architecture settings.</summary>
    public GmicOptions Options { get; }

    /// <summary>The global module's feature map h_g [N, 256, h, w] of images [N, 1, H, W].</summary>
    public Tensor GlobalFeatures(Tensor images) => _global.Forward(images);

    /// <inheritdoc/>
    public override GmicOutput Forward(Tensor input)
    {
        if (input.Dim != 4 || input.Size(1) != 1)
            throw new ArgumentException($"GMIC expects single-channel images [N, 1, H, W], got [{string.Join(", ", input.Shape)}]", nameof(input));
        int height = (int)input.Size(2), width = (int)input.Size(3);
        var o = Options;
        var hg = _global.Forward(input);
        var saliency = _saliency.Forward(hg);
        var yGlobal = TopTPercentPooling.Forward(saliency, o.TopTPercent);

        var windows = RoiRetrieval.Retrieve(saliency, height, width, o.CropHeight, o.CropWidth, o.Patches);
        var patches = PatchCropper.Crop(input, windows, o.CropHeight, o.CropWidth);
        if (o.LocalInChannels != 1) patches = patches.Expand(-1, o.LocalInChannels, -1, -1);
        var h = _local.ForwardFeatures(patches).View(input.Size(0), o.Patches, GmicOptions.LocalChannels);

        var (z, attention) = GatedAttention.Forward(h, _attentionV, _attentionU, _attentionW);
        var localLogits = _localClassifier.Forward(z);
        var g = hg.Amax([2, 3]);
        var fusionLogits = _fusion.Forward(torch.Cat([g, z], 1));
        return new GmicOutput(saliency, yGlobal, localLogits, fusionLogits, attention, windows);
    }
}
