using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Segmentation;

/// <summary>
/// The 3-D U-Net of Çiçek et al. (2016) in its common form: at each of Depth + 1 levels two (3x3x3 conv + norm + ReLU)
/// stages with BaseFilters · 2^level channels, 2x2x2 max-pool down-sampling, 2x2x2 stride-2 transposed-convolution
/// up-sampling (C → C/2, computed as 1x1x1 conv + depth-to-space, <see cref="DepthToSpaceConvTranspose3d"/>),
/// concatenation with the encoder's skip ([skip, up] along channels), two (conv + norm + ReLU) stages back to C/2, and a
/// 1x1x1 convolution to the class logits. Default 32 filters, depth 3, batch norm: 5,601,154 parameters (2 classes).
/// </summary>
/// <remarks>
/// <para>Parameter and module names are those of the most common PyTorch U-Net (milesial/Pytorch-UNet with
/// <c>bilinear=False</c>) written with 3-D layers: <c>inc.double_conv.{0,1,3,4}</c>, <c>down{i}.maxpool_conv.1.double_conv.*</c>,
/// <c>up{i}.up.weight</c> (ConvTranspose3d layout (in, out, 2, 2, 2)), <c>up{i}.conv.double_conv.*</c>, <c>outc.conv</c>; a
/// state dict loads into that model (tools/golden/gen_unet3d.py defines it and checks the outputs agree).</para>
/// <para>Simplification of the paper's net (stated): both convolutions of a level have the same width (the paper
/// doubles the width in the first conv of each analysis level), and the decoder convolutions halve to the skip's
/// width — the form of MONAI's BasicUNet and most PyTorch code.</para>
/// <para>Activation names for 3-D Grad-CAM: <c>inc</c>, <c>down1</c> ... <c>down{Depth}</c>, <c>up1</c> ... <c>up{Depth}</c>
/// (block outputs; <c>up{Depth}</c> is the final feature map). Input sizes must be divisible by 2^Depth.</para>
/// </remarks>
public sealed class UNet3d : SegmentationNetwork
{
    private readonly UNet3dDoubleConv _inc;
    private readonly UNet3dDown[] _down;
    private readonly UNet3dUp[] _up;
    private readonly Conv3d _head;
    private readonly string[] _activationNames;

    /// <summary>A 3-D U-Net shaped by <paramref name="options"/>.</summary>
    public UNet3d(UNet3dOptions? options = null)
    {
        Options = options ?? new UNet3dOptions();
        Options.Validate();
        var (depth, f, norm) = (Options.Depth, Options.BaseFilters, Options.Norm);
        long C(int level) => f << level;
        _inc = RegisterModule("inc", new UNet3dDoubleConv(Options.InChannels, C(0), norm));
        _down = new UNet3dDown[depth];
        for (var i = 1; i <= depth; i++) _down[i - 1] = RegisterModule($"down{i}", new UNet3dDown(C(i - 1), C(i), norm));
        _up = new UNet3dUp[depth];
        for (var i = 1; i <= depth; i++) _up[i - 1] = RegisterModule($"up{i}", new UNet3dUp(C(depth - i + 1), norm, Options.DepthToSpaceUpsampling));
        var head = new Sequential();
        head.Add("conv", new Conv3d(C(0), Options.Classes, 1));
        _head = (Conv3d)RegisterModule("outc", head).First();
        _activationNames = ["inc", .. Enumerable.Range(1, depth).Select(i => $"down{i}"), .. Enumerable.Range(1, depth).Select(i => $"up{i}")];
    }

    /// <summary>The options the network was built with.</summary>
    public UNet3dOptions Options { get; }

    /// <inheritdoc/>
    public override long Classes => Options.Classes;

    /// <inheritdoc/>
    public override long InChannels => Options.InChannels;

    /// <inheritdoc/>
    public override bool HasDistanceHead => false;

    /// <inheritdoc/>
    public override long SizeMultiple => 1L << Options.Depth;

    /// <inheritdoc/>
    public override string ArchitectureName => SegmentationModelRegistry.UNet3dName;

    /// <summary>inc, down1 ... down{Depth}, up1 ... up{Depth} (block outputs in forward order).</summary>
    public override IReadOnlyList<string> ActivationNames => _activationNames;

    /// <inheritdoc/>
    public override SegmentationOutput ForwardBoth(Tensor input) => new(Run(input, null), null);

    /// <inheritdoc/>
    public override ActivationOutputs ForwardWithActivations(Tensor input, IReadOnlyCollection<string> names)
    {
        var capture = new ActivationCapture(_activationNames, names, "unet3d");
        var output = Run(input, capture);
        return new ActivationOutputs(output, capture.Activations);
    }

    /// <inheritdoc/>
    public override SegmentationNetwork CreateSibling() => new UNet3d(Options);

    private Tensor Run(Tensor input, ActivationCapture? capture)
    {
        CheckInput(input, "3-D U-Net");
        Tensor Record(string name, Tensor x) => capture is null ? x : capture.Record(name, x);
        var depth = Options.Depth;
        var skips = new Tensor[depth + 1];
        var x = skips[0] = Record("inc", _inc.Forward(input));
        for (var i = 1; i <= depth; i++) x = skips[i] = Record($"down{i}", _down[i - 1].Forward(x));
        for (var i = 1; i <= depth; i++) x = Record($"up{i}", _up[i - 1].Forward(x, skips[depth - i]));
        return _head.Forward(x);
    }
}
