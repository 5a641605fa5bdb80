using MedLearn.Data.Transforms;
using MedLearn.Models.Segmentation;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Settings of <see cref="SegmentationTraining.Run"/>. Defaults are UG-MCL's left-atrium recipe (methods.md §3): SGD
/// lr 0.01, momentum 0.9, weight decay 1e-4, lr × 0.1 every 2500 iterations, 6000 iterations, batches of 2 labeled +
/// 2 unlabeled patches of 80 x 112 x 112 (D, H, W), random crop + in-plane 90° rotation + flips, z-scored volumes.
/// </summary>
public sealed record SegmentationTrainingOptions
{
    /// <summary>Decathlon-style folder (imagesTr/ + labelsTr/, as <c>data synth volume</c> writes) or a CSV with columns image,mask.</summary>
    public string Data { get; init; } = "";

    /// <summary>Folder the run folder is created in.</summary>
    public string Output { get; init; } = "runs";

    /// <summary>Label in the run folder's name (default: the method).</summary>
    public string? Name { get; init; }

    /// <summary>Training method; its switches are applied on top of <see cref="Losses"/>.</summary>
    public SegmentationMethod Method { get; init; } = SegmentationMethod.UgMcl;

    /// <summary>Labeled training volumes; the rest of the training split is used without its labels.</summary>
    public int Labeled { get; init; } = 4;

    /// <summary>Held-out test volumes (taken first from a seeded permutation), evaluated after training.</summary>
    public int TestCount { get; init; } = 4;

    /// <summary>
    /// Validation volumes (taken from the seeded permutation after the test and labeled ones; they are not used as
    /// unlabeled volumes). 0 = no validation: the best checkpoint is then chosen by the training loss.
    /// </summary>
    public int ValidationCount { get; init; }

    /// <summary>
    /// Validate (whole volumes, sliding window with <see cref="Window"/>, mean foreground Dice) every this many iterations
    /// and after the last one; rounded up to whole passes over the labeled volumes (trainer epochs).
    /// </summary>
    public int ValidateEvery { get; init; } = 200;

    /// <summary>Best checkpoints kept by validation Dice (by training loss without validation).</summary>
    public int KeepBest { get; init; } = 3;

    /// <summary>
    /// Compute the ground-truth SDF on each labeled patch after cropping (normalised per patch: the reference code's form).
    /// Default false: per-volume maps cached once and cropped with the patch (<see cref="DistanceChannels"/>).
    /// </summary>
    public bool DistancePerPatch { get; init; }

    /// <summary>Optimiser steps (iterations), rounded up to whole passes over the labeled volumes.</summary>
    public int Iterations { get; init; } = 6000;

    /// <summary>Labeled patches per batch.</summary>
    public int LabeledBatchSize { get; init; } = 2;

    /// <summary>Unlabeled patches per batch (0 for the supervised method).</summary>
    public int UnlabeledBatchSize { get; init; } = 2;

    /// <summary>SGD learning rate.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>SGD weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Iterations between learning-rate decays.</summary>
    public int LearningRateStep { get; init; } = 2500;

    /// <summary>Factor of each learning-rate decay.</summary>
    public double LearningRateGamma { get; init; } = 0.1;

    /// <summary>Training patch [D, H, W]; volumes smaller than it are zero-padded (image) / background-padded (label).</summary>
    public int[] PatchSize { get; init; } = [80, 112, 112];

    /// <summary>
    /// Network architecture: <c>vnet</c> (default; the dual-task V-Net for UG-MCL, the plain V-Net for the other methods,
    /// shaped by <see cref="Network"/>) or <c>unet3d</c> (<see cref="UNet3d"/>, shaped by <see cref="UNet3d"/>; no distance
    /// head, so UG-MCL with it runs as the no-SDF-head ablation).
    /// </summary>
    public string Architecture { get; init; } = "vnet";

    /// <summary>Shape of the 3-D U-Net when <see cref="Architecture"/> is <c>unet3d</c>.</summary>
    public UNet3dOptions UNet3d { get; init; } = new();

    /// <summary>V-Net shape (the distance head follows the method: off for supervised and mean teacher unless set).</summary>
    public VNetOptions Network { get; init; } = new();

    /// <summary>Loss, teacher and schedule settings (MaxIterations is set from <see cref="Iterations"/>).</summary>
    public UgMclSettings Losses { get; init; } = new();

    /// <summary>Sliding-window settings of the held-out evaluation.</summary>
    public SlidingWindowOptions Window { get; init; } = new();

    /// <summary>
    /// Explicit mapping of label-file values to classes (<c>--label-map 0:0,1:1,2:1</c>), applied to every label file in
    /// training and evaluation; null = label files must already hold classes 0..K−1 (anything else stops the run).
    /// </summary>
    public LabelMap? LabelMap { get; init; }

    /// <summary>Keep the largest connected component of each predicted class.</summary>
    public bool LargestComponent { get; init; }

    /// <summary>Probability of an in-plane 90° rotation (k uniform in 1..3 when it rotates; 0.75 = k uniform in 0..3 as the reference).</summary>
    public double RotateProbability { get; init; } = 0.75;

    /// <summary>Flip probability per in-plane axis.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Seed of weights, split, sampling, augmentation and noise.</summary>
    public ulong Seed { get; init; }

    /// <summary>Background loader threads.</summary>
    public int Workers { get; init; }

    /// <summary>
    /// Write the resume checkpoint (checkpoints/last.pt) about every this many iterations (100): at the end of every
    /// max(1, N / iterations-per-epoch) trainer epochs, and every N steps inside epochs longer than N. A cancelled run
    /// (Ctrl-C, SIGTERM) still saves at the batch it stopped at; the final iteration is always saved.
    /// </summary>
    public int CheckpointEveryIterations { get; init; } = DefaultCheckpointEveryIterations;

    /// <summary>Default of <see cref="CheckpointEveryIterations"/>.</summary>
    public const int DefaultCheckpointEveryIterations = 100;

    /// <summary>Throws on invalid values (names the setting).</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Data)) throw new ArgumentException("data: a folder (imagesTr/, labelsTr/) or CSV is required");
        if (Labeled < 1) throw new ArgumentOutOfRangeException(nameof(Labeled), Labeled, "labeled: need at least 1 labeled volume");
        if (TestCount < 0) throw new ArgumentOutOfRangeException(nameof(TestCount), TestCount, "test: must be >= 0");
        if (Iterations < 1) throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "iterations: must be >= 1");
        if (LabeledBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(LabeledBatchSize), LabeledBatchSize, "labeled batch size must be >= 1");
        if (UnlabeledBatchSize < 0) throw new ArgumentOutOfRangeException(nameof(UnlabeledBatchSize), UnlabeledBatchSize, "unlabeled batch size must be >= 0");
        if (Labeled < LabeledBatchSize) throw new ArgumentException($"labeled: {Labeled} labeled volumes cannot fill batches of {LabeledBatchSize}");
        if (PatchSize.Length != 3 || PatchSize.Any(p => p < 1)) throw new ArgumentException($"patch size must be 3 positive sizes [D, H, W], got [{string.Join(", ", PatchSize)}]");
        if (ValidationCount < 0) throw new ArgumentOutOfRangeException(nameof(ValidationCount), ValidationCount, "validation volumes must be >= 0");
        if (ValidateEvery < 1) throw new ArgumentOutOfRangeException(nameof(ValidateEvery), ValidateEvery, "validate-every must be >= 1 iteration");
        if (KeepBest < 0) throw new ArgumentOutOfRangeException(nameof(KeepBest), KeepBest, "keep-best must be >= 0");
        if (CheckpointEveryIterations < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEveryIterations), CheckpointEveryIterations, "checkpoint-every: must be >= 1 iteration");
        if (LearningRateStep < 1) throw new ArgumentOutOfRangeException(nameof(LearningRateStep), LearningRateStep, "learning-rate step must be >= 1 iteration");
        var unet = Architecture.Equals(SegmentationModelRegistry.UNet3dName, StringComparison.OrdinalIgnoreCase);
        if (!unet && !Architecture.Equals("vnet", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"model: unknown architecture '{Architecture}' (vnet, {SegmentationModelRegistry.UNet3dName})");
        Network.Validate();
        UNet3d.Validate();
        var multiple = 1 << (unet ? UNet3d.Depth : Network.Depth);
        if (PatchSize.Any(p => p % multiple != 0))
            throw new ArgumentException($"patch size [{string.Join(", ", PatchSize)}] must be divisible by {multiple} (2^depth of the network)");
        Window.Validate();
    }
}
