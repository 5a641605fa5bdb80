using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Tests.Explain;

/// <summary>
/// A hand-built two-class "model" whose evidence lives in one known box R of the input: logit_0 = 0,
/// logit_1 = weight · Σ_{c, p ∈ R} x_c(p), so P(class 1) = sigmoid(weight · S_R(x)). Occlusion and deletion results
/// on it follow in closed form. 2-D (box [y, x]) or 3-D (box [z, y, x]).
/// </summary>
internal sealed class RegionEvidenceModel(long[] start, long[] size, double weight) : Module<Tensor, Tensor>, IActivationModel
{
    public long[] Start { get; } = start;
    public long[] Size { get; } = size;
    public double Weight { get; } = weight;

    public int SpatialDims => Start.Length;

    public IReadOnlyList<string> ActivationNames => ["region"];

    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != Start.Length + 2) throw new ArgumentException($"RegionEvidenceModel is {Start.Length}-D, got input [{string.Join(", ", input.Shape)}]");
        using var scope = DisposeScope.Open();
        var x = input;
        for (var a = 0; a < Start.Length; a++) x = x.Narrow(a + 2, Start[a], Size[a]);
        var evidence = x.Sum(Enumerable.Range(1, x.Dim - 1).Select(d => (long)d).ToArray()) * Weight;
        return scope.MoveToOuter(torch.Stack([torch.ZerosLike(evidence), evidence], 1));
    }

    public ActivationOutputs ForwardWithActivations(Tensor input, IReadOnlyCollection<string> names)
    {
        _ = new ActivationCapture(ActivationNames, names, nameof(RegionEvidenceModel));
        return new ActivationOutputs(Forward(input), new Dictionary<string, Tensor>());
    }

    /// <summary>True when pixel <paramref name="p"/> (spatial coordinates) lies in R.</summary>
    public bool Contains(long[] p)
    {
        for (var a = 0; a < p.Length; a++)
            if (p[a] < Start[a] || p[a] >= Start[a] + Size[a]) return false;
        return true;
    }
}

/// <summary>
/// conv (3x3, padding 1) → ReLU → average pool 2 → global average pool → linear head, 2-D or 3-D, with activations
/// "conv", "relu" and "pool". The class score is linear in the GAP of "pool", so its gradient with respect to "pool"
/// is the constant W[c, k] / (h·w) per channel k: Grad-CAM weights follow analytically.
/// </summary>
internal sealed class TinyCamNet : Module<Tensor, Tensor>, IActivationModel
{
    private readonly Module<Tensor, Tensor> _conv;
    private readonly Module<Tensor, Tensor> _pool;

    public TinyCamNet(int spatialDims, long inChannels, long channels, long classes)
    {
        SpatialDims = spatialDims;
        _conv = RegisterModule("conv", spatialDims == 2
            ? new Conv2d(inChannels, channels, 3, padding: 1)
            : (Module<Tensor, Tensor>)new Conv3d(inChannels, channels, 3, padding: 1));
        _pool = spatialDims == 2 ? new AvgPool2d([2, 2]) : new AvgPool3d([2, 2, 2]);
        Head = RegisterModule("fc", new Linear(channels, classes));
    }

    public Linear Head { get; }

    public int SpatialDims { get; }

    public IReadOnlyList<string> ActivationNames => ["conv", "relu", "pool"];

    public override Tensor Forward(Tensor input) => ForwardWithActivations(input, []).Output;

    public ActivationOutputs ForwardWithActivations(Tensor input, IReadOnlyCollection<string> names)
    {
        var capture = new ActivationCapture(ActivationNames, names, nameof(TinyCamNet));
        var x = capture.Record("conv", _conv.Forward(input));
        x = capture.Record("relu", Functional.Relu(x));
        x = capture.Record("pool", _pool.Forward(x));
        var gap = x.Mean(Enumerable.Range(2, SpatialDims).Select(d => (long)d).ToArray());
        return new ActivationOutputs(Head.Forward(gap), capture.Activations);
    }

    /// <summary>The "pool" activation computed directly (no capture).</summary>
    public Tensor Pool(Tensor input) => _pool.Forward(Functional.Relu(_conv.Forward(input)));
}
