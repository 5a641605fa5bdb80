using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Segmentation;

/// <summary>
/// V-Net for 3-D segmentation as UG-MCL uses it (methods.md §3; the authors' <c>VNet</c> of the DTC/UG-MCL code):
/// encoder stages of 1, 2, 3, 3, 3 (3x3x3 conv + BN + ReLU) joined by 2x2x2 stride-2 conv down-sampling, channels
/// 16, 32, 64, 128, 256; decoder stages 3, 3, 2, 1 after 2x2x2 stride-2 transposed-conv up-sampling with additive skips;
/// Dropout3d(0.5) after the bottleneck and before the heads (training only). Heads (1x1x1 convs): <c>out_conv2</c> =
/// segmentation logits and <c>out_conv</c> → tanh = signed-distance map in the dual-task form (the reference names);
/// the plain V-Net has only the segmentation head, named <c>out_conv</c>. 9,448,883 parameters (dual, 16 filters, 2 classes).
/// </summary>
/// <remarks>
/// <para>Modules are named <c>block_one</c>, <c>block_one_dw</c>, ..., <c>block_five_up</c>, ..., <c>block_nine</c>
/// (depth 4); these are also the activation names for 3-D Grad-CAM. Other depths continue the scheme (stages per
/// level min(level + 1, 3)).</para>
/// <para>Every spatial size of the input must be divisible by 2^Depth (16 by default): pad or crop first.</para>
/// <para>Initialisation is torch.nn's default (the reference code does not re-initialise).</para>
/// </remarks>
public sealed class VNet : SegmentationNetwork
{
    private static readonly string[] s_numbers = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen"];

    private readonly VNetBlock[] _encoder;
    private readonly VNetBlock[] _down;
    private readonly VNetBlock[] _up;
    private readonly VNetBlock[] _decoder;
    private readonly Dropout3d? _dropout;
    private readonly Conv3d _segmentationHead;
    private readonly Conv3d? _distanceHead;
    private readonly string[] _activationNames;

    /// <summary>A V-Net shaped by <paramref name="options"/> (default: the dual-task UG-MCL network).</summary>
    public VNet(VNetOptions? options = null)
    {
        Options = options ?? new VNetOptions();
        Options.Validate();
        var (depth, f, bn) = (Options.Depth, Options.BaseFilters, Options.BatchNorm);
        long Channels(int level) => f << level;
        static int Stages(int level) => Math.Min(level + 1, 3);
        var names = new List<string>();
        _encoder = new VNetBlock[depth + 1];
        _down = new VNetBlock[depth];
        for (var i = 0; i <= depth; i++)
        {
            _encoder[i] = RegisterModule(Name(i), VNetBlock.Convolutions(Stages(i), i == 0 ? Options.InChannels : Channels(i), Channels(i), bn));
            names.Add(Name(i));
            if (i == depth) break;
            _down[i] = RegisterModule(Name(i) + "_dw", VNetBlock.Down(Channels(i), Channels(i + 1), bn));
            names.Add(Name(i) + "_dw");
        }
        _up = new VNetBlock[depth];
        _decoder = new VNetBlock[depth];
        for (var j = 0; j < depth; j++)
        {
            var level = depth - 1 - j;
            _up[j] = RegisterModule(Name(depth + j) + "_up", VNetBlock.Up(Channels(level + 1), Channels(level), bn, Options.DepthToSpaceUpsampling));
            names.Add(Name(depth + j) + "_up");
            _decoder[j] = RegisterModule(Name(depth + j + 1), VNetBlock.Convolutions(Stages(level), Channels(level), Channels(level), bn));
            names.Add(Name(depth + j + 1));
        }
        if (Options.DistanceHead)
        {
            _distanceHead = RegisterModule("out_conv", new Conv3d(f, Options.Classes - 1, 1));
            _segmentationHead = RegisterModule("out_conv2", new Conv3d(f, Options.Classes, 1));
        }
        else
        {
            _segmentationHead = RegisterModule("out_conv", new Conv3d(f, Options.Classes, 1));
        }
        if (Options.Dropout > 0) _dropout = RegisterModule("dropout", new Dropout3d(Options.Dropout));
        _activationNames = [.. names];
    }

    private static string Name(int block) => "block_" + s_numbers[block];

    /// <summary>The options the network was built with.</summary>
    public VNetOptions Options { get; }

    /// <summary>True when the network has the signed-distance head.</summary>
    public override bool HasDistanceHead => _distanceHead is not null;

    /// <summary>Every spatial size of an input must be a multiple of this (2^Depth).</summary>
    public override long SizeMultiple => 1L << Options.Depth;

    /// <inheritdoc/>
    public override long Classes => Options.Classes;

    /// <inheritdoc/>
    public override long InChannels => Options.InChannels;

    /// <inheritdoc/>
    public override string ArchitectureName => HasDistanceHead ? "dual-vnet" : "vnet";

    /// <summary>Block outputs in forward order (block_one ... block_nine at depth 4); the last is the final feature map.</summary>
    public override IReadOnlyList<string> ActivationNames => _activationNames;

    /// <summary>Segmentation logits and, for the dual-task network, the tanh signed-distance map.</summary>
    public override SegmentationOutput ForwardBoth(Tensor input) => Run(input, null);

    /// <inheritdoc/>
    public override SegmentationNetwork CreateSibling() => new VNet(Options);

    /// <inheritdoc/>
    public override ActivationOutputs ForwardWithActivations(Tensor input, IReadOnlyCollection<string> names)
    {
        var capture = new ActivationCapture(_activationNames, names, "vnet");
        var output = Run(input, capture);
        return new ActivationOutputs(output.Logits, capture.Activations);
    }

    private SegmentationOutput Run(Tensor input, ActivationCapture? capture)
    {
        CheckInput(input, "V-Net");
        Tensor Record(string name, Tensor x) => capture is null ? x : capture.Record(name, x);
        // Without activation capture, every intermediate result is released as soon as it has been consumed (autograd
        // keeps its own references to what backward needs): a no-grad pass (teacher passes, sliding windows) then peaks
        // at a few activations plus the skips, as PyTorch does, instead of holding the whole network's activations.
        var eager = capture is null;
        void Release(Tensor t, Tensor next)
        {
            if (eager && !ReferenceEquals(t, input) && !ReferenceEquals(t, next)) t.Dispose();
        }
        var depth = Options.Depth;
        var skips = new Tensor[depth + 1];
        var x = input;
        for (var i = 0; i <= depth; i++)
        {
            var encoded = skips[i] = Record(Name(i), _encoder[i].Forward(x));
            Release(x, encoded);
            x = encoded;
            if (i < depth) x = Record(Name(i) + "_dw", _down[i].Forward(encoded));
        }
        if (_dropout is not null) x = Dropout(x);
        for (var j = 0; j < depth; j++)
        {
            var skip = skips[depth - 1 - j];
            var up = _up[j].Forward(x);
            Release(x, up);
            var sum = up.Add(skip);
            Release(up, sum);
            Release(skip, sum);
            sum = Record(Name(depth + j) + "_up", sum);
            x = Record(Name(depth + j + 1), _decoder[j].Forward(sum));
            Release(sum, x);
        }
        if (_dropout is not null) x = Dropout(x);
        var logits = _segmentationHead.Forward(x);
        var distance = _distanceHead is null ? null : DistanceMap(x);
        Release(x, logits);

        Tensor Dropout(Tensor t)
        {
            var dropped = _dropout!.Forward(t);
            Release(t, dropped);
            return dropped;
        }

        Tensor DistanceMap(Tensor features)
        {
            var raw = _distanceHead!.Forward(features);
            var map = raw.Tanh();
            Release(raw, map);
            return map;
        }

        return new SegmentationOutput(logits, distance);
    }
}
