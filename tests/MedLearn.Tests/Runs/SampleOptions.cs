namespace MedLearn.Tests.Runs;

// Options records used by the configuration tests (the binder is generic; these only exercise it).

public enum OptimizerKind { Sgd, Adam, AdamW }

public enum LrSchedule { Constant, CosineAnnealing, StepDecay }

public sealed record OptimizerOptions
{
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 1e-3;
    public double Momentum { get; init; } = 0.9;
    public double? WeightDecay { get; init; }
}

public sealed record AugmentStep
{
    public string Name { get; init; } = "";
    public double Probability { get; init; } = 0.5;
}

/// <summary>Scalars, enums, nested records and nullables only: record equality is value equality.</summary>
public sealed record ScalarOptions
{
    public string Name { get; init; } = "baseline";
    public int Epochs { get; init; } = 10;
    public long Seed { get; init; } = 42;
    public bool UseAmp { get; init; }
    public float Dropout { get; init; } = 0.1f;
    public decimal Budget { get; init; } = 1.5m;
    public LrSchedule Schedule { get; init; } = LrSchedule.CosineAnnealing;
    public OptimizerOptions Optimizer { get; init; } = new();
    public OptimizerOptions? Finetune { get; init; }
    public string? Notes { get; init; }
    public int? PatienceEpochs { get; init; }
    public LrSchedule? WarmupSchedule { get; init; }

    /// <summary>Computed, read-only: neither bound nor written.</summary>
    public string Summary => $"{Name}/{Epochs}";
}

/// <summary>Adds lists (compared element-wise in tests: records compare lists by reference).</summary>
public sealed record SampleOptions
{
    public string Name { get; init; } = "baseline";
    public int Epochs { get; init; } = 10;
    public OptimizerOptions Optimizer { get; init; } = new();
    public IReadOnlyList<string> Classes { get; init; } = ["benign", "malignant"];
    public int[] ImageSize { get; init; } = [224, 224];
    public List<AugmentStep> Augment { get; init; } = [];
    public IReadOnlyList<double>? Thresholds { get; init; }
    public List<List<int>> Groups { get; init; } = [];
}

/// <summary>A positional record: no parameterless constructor, bindable only onto an existing instance.</summary>
public sealed record PositionalOptions(int Width, string Mode);
