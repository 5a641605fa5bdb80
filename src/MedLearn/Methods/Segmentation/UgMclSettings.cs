using MedLearn.Methods.SemiSupervised;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Losses, teacher and schedule of UG-MCL training (methods.md §3); every default is the paper's left-atrium setting.
/// The ablations are single switches: <see cref="UseTeacher"/> (off = supervised only), <see cref="UseUncertainty"/>
/// (off = plain mean teacher), <see cref="UseCrossTask"/>, and <see cref="DistanceWeight"/> / a network without the
/// distance head (no SDF head: no SDF loss and no cross-task term). <see cref="ForMethod"/> gives each method's switches.
/// </summary>
public sealed record UgMclSettings
{
    /// <summary>Weight of (CE + Dice) in the supervised loss (0.5).</summary>
    public double SegmentationWeight { get; init; } = 0.5;

    /// <summary>Include the cross-entropy term.</summary>
    public bool UseCrossEntropy { get; init; } = true;

    /// <summary>Include the soft Dice term (<see cref="SoftDiceLoss"/>).</summary>
    public bool UseDice { get; init; } = true;

    /// <summary>Weight of MSE(distance head, ground-truth SDF) (0.3; 0 = off). Ignored without a distance head.</summary>
    public double DistanceWeight { get; init; } = 0.3;

    /// <summary>Train against an EMA teacher (off = supervised only: no consistency terms at all).</summary>
    public bool UseTeacher { get; init; } = true;

    /// <summary>Mask the intra-task consistency by teacher uncertainty (off = plain mean teacher, mask of ones).</summary>
    public bool UseUncertainty { get; init; } = true;

    /// <summary>Add the cross-task consistency sigmoid(−k·SDF) vs probabilities (needs the distance head).</summary>
    public bool UseCrossTask { get; init; } = true;

    /// <summary>T: stochastic teacher passes for the uncertainty (8).</summary>
    public int UncertaintyPasses { get; init; } = 8;

    /// <summary>Teacher passes stacked into one forward call (2, as the reference code).</summary>
    public int PassesPerForward { get; init; } = 2;

    /// <summary>σ of the input noise of the teacher passes (0.1).</summary>
    public double NoiseStd { get; init; } = 0.1;

    /// <summary>The input noise is clamped to ±this (0.2).</summary>
    public double NoiseClip { get; init; } = 0.2;

    /// <summary>k of sigmoid(−k·SDF) (1500).</summary>
    public double Sharpness { get; init; } = CrossTaskConsistencyLoss.DefaultSharpness;

    /// <summary>λ_max of the consistency weight (1.0 for the left atrium; 0.1 for BraTS).</summary>
    public double ConsistencyWeight { get; init; } = 1.0;

    /// <summary>R: ramp-up length of λ, counted in <see cref="RampUpInterval"/>s (40; 200 for BraTS).</summary>
    public double ConsistencyRampUp { get; init; } = 40;

    /// <summary>Iterations per ramp-up unit: λ(t) = λ_max · sigmoid_rampup(floor(t / 150), R).</summary>
    public int RampUpInterval { get; init; } = 150;

    /// <summary>Total iterations t_max (6000): the horizon of the uncertainty-threshold schedule.</summary>
    public long MaxIterations { get; init; } = 6000;

    /// <summary>EMA decay of the teacher (0.99).</summary>
    public double EmaDecay { get; init; } = EmaTeacher.DefaultDecay;

    /// <summary>What happens to the teacher's batch-norm buffers (default: not averaged, the reference behaviour).</summary>
    public BatchNormBufferPolicy BufferPolicy { get; init; } = BatchNormBufferPolicy.NotAveraged;

    /// <summary>The switches of <paramref name="method"/> on top of <paramref name="baseSettings"/> (default settings when null).</summary>
    public static UgMclSettings ForMethod(SegmentationMethod method, UgMclSettings? baseSettings = null)
    {
        var s = baseSettings ?? new UgMclSettings();
        return method switch
        {
            SegmentationMethod.Supervised => s with { UseTeacher = false, UseCrossTask = false },
            SegmentationMethod.MeanTeacher => s with { UseTeacher = true, UseUncertainty = false, UseCrossTask = false, DistanceWeight = 0 },
            _ => s with { UseTeacher = true },
        };
    }

    /// <summary>λ(t) = λ_max · sigmoid_rampup(floor(t / interval), R) at 0-based iteration <paramref name="iteration"/>.</summary>
    public double ConsistencyWeightAt(long iteration) =>
        ConsistencyWeight * SigmoidRampUp.Value(Math.Floor((double)iteration / RampUpInterval), ConsistencyRampUp);

    /// <summary>The entropy threshold H(t) for <paramref name="classes"/> classes (<see cref="UncertaintyThreshold"/>).</summary>
    public double ThresholdAt(long iteration, int classes) => UncertaintyThreshold.At(iteration, MaxIterations, classes);

    /// <summary>Throws on out-of-range values.</summary>
    public void Validate()
    {
        static void NonNegative(double v, string name) { if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentOutOfRangeException(name, v, $"{name} must be a finite number >= 0"); }
        NonNegative(SegmentationWeight, nameof(SegmentationWeight));
        NonNegative(DistanceWeight, nameof(DistanceWeight));
        NonNegative(NoiseStd, nameof(NoiseStd));
        NonNegative(NoiseClip, nameof(NoiseClip));
        NonNegative(ConsistencyWeight, nameof(ConsistencyWeight));
        NonNegative(ConsistencyRampUp, nameof(ConsistencyRampUp));
        if (!(Sharpness > 0)) throw new ArgumentOutOfRangeException(nameof(Sharpness), Sharpness, "sharpness k must be > 0");
        if (UncertaintyPasses < 1) throw new ArgumentOutOfRangeException(nameof(UncertaintyPasses), UncertaintyPasses, "uncertainty passes T must be >= 1");
        if (PassesPerForward < 1) throw new ArgumentOutOfRangeException(nameof(PassesPerForward), PassesPerForward, "passes per forward must be >= 1");
        if (RampUpInterval < 1) throw new ArgumentOutOfRangeException(nameof(RampUpInterval), RampUpInterval, "ramp-up interval must be >= 1 iteration");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "max iterations must be >= 1");
        if (!UseCrossEntropy && !UseDice && DistanceWeight == 0)
            throw new ArgumentException("the supervised loss is empty: enable cross-entropy, Dice or the distance term");
        _ = EmaTeacher.Alpha(0, EmaDecay);
    }
}
