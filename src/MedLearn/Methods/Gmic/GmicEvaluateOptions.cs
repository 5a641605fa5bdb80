using MedLearn.Data.Loading;
using MedLearn.Torch.Amp;

namespace MedLearn.Methods.Gmic;

/// <summary>Settings of <see cref="GmicEvaluation.Evaluate"/> (<c>medlearn evaluate</c> on a GMIC run).</summary>
public sealed record GmicEvaluateOptions
{
    /// <summary>Label of the evaluation folder (RUN/evaluations/&lt;time&gt;-&lt;label&gt;).</summary>
    public string Label { get; init; } = "eval";

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Background loader threads.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Images the preprocessing cannot use: fail (named, nothing written) or skip.</summary>
    public ErrorPolicy OnError { get; init; } = ErrorPolicy.Fail;

    /// <summary>Numeric precision.</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>Breasts missing a view.</summary>
    public MissingViewPolicy MissingViews { get; init; } = MissingViewPolicy.Fail;

    /// <summary>lambda of the reader hybrid.</summary>
    public double ReaderLambda { get; init; } = HybridScore.DefaultLambda;

    /// <summary>Output combined with the reader score; null = the last output.</summary>
    public string? ReaderOutput { get; init; }

    /// <summary>Bootstrap resamples of the AUC CIs (0 = none).</summary>
    public int BootstrapSamples { get; init; } = 1000;

    /// <summary>Saliency threshold of the localisation Dice.</summary>
    public double DiceThreshold { get; init; } = 0.5;
}
