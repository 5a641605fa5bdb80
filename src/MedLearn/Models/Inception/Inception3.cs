using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Inception;

/// <summary>
/// torchvision.models.Inception3 (inception_v3) with its exact layout, parameter names, registration order and
/// initialisation: Conv2d_1a_3x3 .. Conv2d_4a_3x3 with two max pools, Mixed_5b..Mixed_7c, the auxiliary head
/// <c>AuxLogits</c> on Mixed_6e (registered between Mixed_6e and Mixed_7a; run in training only, see
/// <see cref="IAuxiliaryClassifier"/>), avgpool, dropout (0.5) and <c>fc</c>. Convolutions and linears get
/// trunc_normal_(std 0.1, ±2) except AuxLogits.fc (std 0.001), batch norms 1/0. With <see cref="TransformInput"/> (as
/// torchvision sets it for the ImageNet weights) an ImageNet-normalised 3-channel input is re-normalised to the
/// weights' (x − 0.5)/0.5 convention inside the model. Needs inputs of at least 75x75.
/// </summary>
public sealed class Inception3 : ImageClassifier, IAuxiliaryClassifier
{
    private static readonly string[] s_stemNames = ["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1", "Conv2d_3b_1x1", "Conv2d_4a_3x3", "maxpool2",
        "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"];
    private static readonly string[] s_tailNames = ["Mixed_7a", "Mixed_7b", "Mixed_7c"];
    private readonly Module<Tensor, Tensor>[] _stem;
    private readonly Module<Tensor, Tensor>[] _tail;
    private readonly InceptionAux? _aux;
    private readonly Dropout _dropout;

    /// <summary>Inception-v3 with <paramref name="numClasses"/> outputs.</summary>
    /// <param name="numClasses">Outputs of the heads.</param>
    /// <param name="inChannels">Input channels of the first convolution.</param>
    /// <param name="auxLogits">With the auxiliary head (torchvision's default and its ImageNet weights).</param>
    /// <param name="transformInput">Re-normalise ImageNet-normalised RGB input as torchvision does for its weights
    /// (applies to 3-channel models only).</param>
    /// <param name="dropout">Dropout before fc (training only).</param>
    public Inception3(long numClasses = 1000, long inChannels = 3, bool auxLogits = true, bool transformInput = true, double dropout = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        TransformInput = transformInput && inChannels == 3;
        _stem =
        [
            RegisterModule("Conv2d_1a_3x3", new BasicConv2d(inChannels, 32, 3, stride: 2)),
            RegisterModule("Conv2d_2a_3x3", new BasicConv2d(32, 32, 3)),
            RegisterModule("Conv2d_2b_3x3", new BasicConv2d(32, 64, 3, padding: 1)),
            RegisterModule("maxpool1", new MaxPool2d(3, stride: 2)),
            RegisterModule("Conv2d_3b_1x1", new BasicConv2d(64, 80, 1)),
            RegisterModule("Conv2d_4a_3x3", new BasicConv2d(80, 192, 3)),
            RegisterModule("maxpool2", new MaxPool2d(3, stride: 2)),
            RegisterModule("Mixed_5b", new InceptionA(192, 32)),
            RegisterModule("Mixed_5c", new InceptionA(256, 64)),
            RegisterModule("Mixed_5d", new InceptionA(288, 64)),
            RegisterModule("Mixed_6a", new InceptionB(288)),
            RegisterModule("Mixed_6b", new InceptionC(768, 128)),
            RegisterModule("Mixed_6c", new InceptionC(768, 160)),
            RegisterModule("Mixed_6d", new InceptionC(768, 160)),
            RegisterModule("Mixed_6e", new InceptionC(768, 192)),
        ];
        if (auxLogits) _aux = RegisterModule("AuxLogits", new InceptionAux(768, numClasses));
        _tail =
        [
            RegisterModule("Mixed_7a", new InceptionD(768)),
            RegisterModule("Mixed_7b", new InceptionE(1280)),
            RegisterModule("Mixed_7c", new InceptionE(2048)),
        ];
        RegisterModule("avgpool", new AdaptiveAvgPool2d([1, 1]));
        _dropout = RegisterModule("dropout", new Dropout(dropout));
        RegisterModule("fc", new Linear(2048, numClasses));

        using var noGrad = GradMode.NoGrad();
        foreach (var (name, m) in NamedModules())
        {
            switch (m)
            {
                case Conv2d c:
                    Init.TruncNormal_(c.Weight, 0, 0.1, -2, 2);
                    break;
                case Linear l:
                    InitHead(name, l);
                    break;
                case BatchNorm2d b:
                    Init.Ones_(b.Weight!);
                    Init.Zeros_(b.Bias!);
                    break;
            }
        }
    }

    /// <summary>Whether the input is re-normalised from ImageNet mean/std to (x − 0.5)/0.5 (3-channel models only).</summary>
    public bool TransformInput { get; }

    /// <inheritdoc/>
    public double AuxiliaryLossWeight => 0.4;

    /// <inheritdoc/>
    public override string HeadName => "fc";

    /// <summary>fc and, with the auxiliary head, AuxLogits.fc.</summary>
    public override IReadOnlyList<string> HeadNames => _aux is null ? ["fc"] : ["fc", "AuxLogits.fc"];

    /// <inheritdoc/>
    public override string FirstConvName => "Conv2d_1a_3x3.conv";

    /// <inheritdoc/>
    public override long FeatureDim => 2048;

    /// <inheritdoc/>
    protected override void InitHead(string name, Linear head)
    {
        using var noGrad = GradMode.NoGrad();
        Init.TruncNormal_(head.Weight, 0, name.StartsWith("AuxLogits", StringComparison.Ordinal) ? 0.001 : 0.1, -2, 2);
    }

    /// <summary>The stem layers, Mixed_5b .. Mixed_7c (Mixed_7c is the last feature map).</summary>
    public override IReadOnlyList<string> ActivationNames { get; } = [.. s_stemNames, .. s_tailNames];

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture) => Features(input, capture, wantAux: false, out _);

    /// <inheritdoc/>
    public (Tensor Logits, Tensor? AuxiliaryLogits) ForwardWithAuxiliary(Tensor input)
    {
        var features = Features(input, null, wantAux: true, out var aux);
        var logits = ForwardHead(features);
        features.Dispose();
        return (logits, aux);
    }

    /// <summary>dropout (training only; not in place) then fc.</summary>
    public override Tensor ForwardHead(Tensor features)
    {
        if (!Training || _dropout.P == 0) return base.ForwardHead(features);
        using var dropped = Functional.Dropout(features, _dropout.P, training: true);
        return base.ForwardHead(dropped);
    }

    /// <summary>The pooled features; the auxiliary logits only when asked for, in training mode, with the head present.</summary>
    private Tensor Features(Tensor input, ActivationCapture? capture, bool wantAux, out Tensor? aux)
    {
        aux = null;
        var x = TransformInput ? Transform(input) : input;
        for (var i = 0; i < _stem.Length; i++)
        {
            x = ReferenceEquals(x, input) ? _stem[i].Forward(x) : _stem[i].ForwardReleasing(x);
            if (capture is not null) x = capture.Record(s_stemNames[i], x);
        }
        if (wantAux && _aux is not null && Training) aux = _aux.Forward(x);
        for (var i = 0; i < _tail.Length; i++)
        {
            x = _tail[i].ForwardReleasing(x);
            if (capture is not null) x = capture.Record(s_tailNames[i], x);
        }
        using var pooled = Functional.AdaptiveAvgPool2d(x, [1, 1]);
        x.Dispose();
        return pooled.Flatten(1);
    }

    /// <summary>torchvision's _transform_input: channel c becomes x·(std_c/0.5) + (mean_c − 0.5)/0.5.</summary>
    private static Tensor Transform(Tensor x)
    {
        double[] mean = [0.485, 0.456, 0.406];
        double[] std = [0.229, 0.224, 0.225];
        var channels = new Tensor[3];
        try
        {
            for (var c = 0; c < 3; c++)
            {
                using var ch = x.Select(1, c).Unsqueeze(1);
                using var scaled = ch * (std[c] / 0.5);
                channels[c] = scaled + (mean[c] - 0.5) / 0.5;
            }
            return torch.Cat(channels, 1);
        }
        finally
        {
            foreach (var t in channels) t?.Dispose();
        }
    }
}
