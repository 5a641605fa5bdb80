using MedLearn.Data.Loading;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Metrics.Segmentation;
using MedLearn.Models.Segmentation;
using MedLearn.Morphology;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Training;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// UG-MCL (methods.md §3) as an <see cref="ITrainingTask"/>: a (dual-task) V-Net student and its EMA teacher
/// (auxiliary module "teacher"). Per batch (labeled samples first, <see cref="Batch.StreamCounts"/>[0] of them):
/// <c>loss = L_sup + λ(t) · (L_intra + L_cross)</c>, with
/// L_sup = 0.5 · (CE + <see cref="SoftDiceLoss"/>) + 0.3 · MSE(SDF head, <see cref="SignedDistanceMap"/> of the label patch),
/// L_intra = <see cref="MaskedConsistencyLoss"/> between the student on the unlabeled inputs and the teacher on noisy
/// copies, masked by <see cref="UncertaintyMap"/> entropy &lt; <see cref="UncertaintyThreshold"/>, and
/// L_cross = <see cref="CrossTaskConsistencyLoss"/> over the whole batch. t is the 0-based iteration (optimiser step):
/// schedules are iteration based. After each optimiser step the teacher follows <see cref="EmaTeacher.Update"/>.
/// </summary>
/// <remarks>
/// <para>The teacher runs in training mode (dropout active for the MC passes, batch statistics in batch norm), as in
/// the reference code, under no-grad; its parameters never require gradients.</para>
/// <para>Ground-truth SDF targets: when the batch images carry K−1 channels more than the network's input channels,
/// those trailing channels are the targets (per-volume maps from <see cref="SignedDistanceCache"/>, cropped and
/// augmented with the image by <see cref="DistanceChannels"/>: the default of <see cref="SegmentationTraining"/>).
/// Otherwise the SDF is computed on each labeled patch after cropping and augmentation, normalised per patch (the
/// reference code's form, <see cref="SegmentationTrainingOptions.DistancePerPatch"/>).</para>
/// <para>Logged: ce, dice_loss, sdf_mse, intra, cross, lambda, threshold, certain (fraction of masked-in voxels), dice
/// (hard Dice of the labeled part). Validation: mean foreground Dice of the student's argmax per sample ("dice"), on whole
/// volumes with <see cref="SlidingWindowInference"/> when a validation window is set, else on the batch as given.</para>
/// </remarks>
public sealed class UgMclTask : ITrainingTask
{
    private readonly SegmentationNetwork _student;
    private readonly SegmentationNetwork? _teacher;
    private readonly SlidingWindowOptions? _validationWindow;
    private PrecisionPlan? _plan;

    /// <summary>Name of the teacher among the auxiliary modules (and in checkpoints).</summary>
    public const string TeacherName = "teacher";

    /// <summary>A task training <paramref name="student"/> (and updating <paramref name="teacher"/>, needed when the settings use one).</summary>
    /// <param name="student">The trained network.</param>
    /// <param name="teacher">Its EMA copy (null for the supervised method).</param>
    /// <param name="settings">Losses, teacher and schedules.</param>
    /// <param name="validationWindow">Sliding window of the validation pass over whole volumes; null = the batch's images as they are.</param>
    /// <exception cref="ArgumentException">A teacher is needed but missing or the same object, or the settings are invalid.</exception>
    public UgMclTask(SegmentationNetwork student, SegmentationNetwork? teacher, UgMclSettings settings, SlidingWindowOptions? validationWindow = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (settings.UseTeacher && teacher is null) throw new ArgumentException("this method needs a teacher network", nameof(teacher));
        if (ReferenceEquals(student, teacher)) throw new ArgumentException("the teacher must be a separate copy of the student", nameof(teacher));
        validationWindow?.Validate();
        _student = student;
        _validationWindow = validationWindow;
        _teacher = settings.UseTeacher ? teacher : null;
        Settings = settings;
        if (_teacher is not null)
            foreach (var p in _teacher.Parameters()) p.RequiresGrad = false;
        AuxiliaryModules = _teacher is null ? new Dictionary<string, Module>() : new Dictionary<string, Module> { [TeacherName] = _teacher };
    }

    /// <summary>A teacher for <paramref name="student"/>: same options, a copy of its weights and buffers, parameters frozen.</summary>
    public static TNetwork CreateTeacher<TNetwork>(TNetwork student) where TNetwork : SegmentationNetwork
    {
        ArgumentNullException.ThrowIfNull(student);
        var teacher = (TNetwork)student.CreateSibling();
        using (DisposeScope.Open()) teacher.LoadStateDict(student.StateDict());
        foreach (var p in teacher.Parameters()) p.RequiresGrad = false;
        return teacher;
    }

    /// <summary>The settings.</summary>
    public UgMclSettings Settings { get; }

    /// <inheritdoc/>
    public Module Model => _student;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Module> AuxiliaryModules { get; }

    /// <inheritdoc/>
    public void Prepare(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _plan = context.Plan;
    }

    private Tensor Input(Tensor x) => _plan is null ? x : _plan.PrepareInput(x);

    /// <inheritdoc/>
    public TrainStepOutput TrainStep(Batch batch, StepInfo step)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var mask = batch.Mask ?? throw new InvalidOperationException("segmentation batches need masks (labels) for the labeled samples");
        var labeled = batch.StreamCounts.Count > 1 ? batch.StreamCounts[0] : batch.Count;
        var terms = ComputeLosses(batch.Image, mask, labeled, step.GlobalStep);
        var logs = new Dictionary<string, Tensor> { ["lambda"] = torch.Scalar(terms.Lambda) };
        if (terms.CrossEntropy is not null) logs["ce"] = terms.CrossEntropy;
        if (terms.Dice is not null) logs["dice_loss"] = terms.Dice;
        if (terms.DistanceMse is not null) logs["sdf_mse"] = terms.DistanceMse;
        if (terms.Intra is not null) logs["intra"] = terms.Intra;
        if (terms.Cross is not null) logs["cross"] = terms.Cross;
        if (terms.Threshold is { } h) logs["threshold"] = torch.Scalar(h);
        if (terms.CertainFraction is not null) logs["certain"] = terms.CertainFraction;
        return new TrainStepOutput(terms.Total, batch.Count, logs);
    }

    /// <summary>
    /// The loss terms of a batch: <paramref name="images"/> [N, C, D, H, W] whose first <paramref name="labeled"/> samples
    /// have the integer label maps <paramref name="masks"/> [N or labeled, 1, D, H, W], at 0-based iteration <paramref name="iteration"/>.
    /// </summary>
    /// <remarks>When <paramref name="images"/> has K−1 channels more than the network's input, the trailing channels of the
    /// labeled samples are the ground-truth SDF targets (see the class remarks); otherwise they are computed per patch.</remarks>
    public UgMclLossTerms ComputeLosses(Tensor images, Tensor masks, int labeled, long iteration)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(masks);
        var n = (int)images.Size(0);
        if (labeled < 1 || labeled > n) throw new ArgumentOutOfRangeException(nameof(labeled), labeled, $"need 1..{n} labeled samples in the batch");
        var s = Settings;
        var classes = (int)_student.Classes;
        var (inputs, cachedTargets) = SplitChannels(images);
        images = inputs;
        // The teacher runs first (no gradient): its transient activations are freed before the student's forward
        // graph is built, so the peak memory is max(teacher, student) rather than their sum.
        var unlabeled = n - labeled;
        Tensor? teacherProbs = null, consistencyMask = null, certain = null;
        double? threshold = null;
        if (_teacher is not null && unlabeled > 0)
        {
            var xu = images.Narrow(0, labeled, unlabeled);
            _teacher.Train();
            using (GradMode.NoGrad())
            {
                var noisy = xu + (torch.RandnLike(xu) * s.NoiseStd).Clamp(-s.NoiseClip, s.NoiseClip);
                teacherProbs = _teacher.Forward(Input(noisy)).To(DType.Float32).Softmax(1);
                if (s.UseUncertainty)
                {
                    var mean = UncertaintyMap.MeanProbability(x => _teacher.Forward(Input(x)).To(DType.Float32), xu, s.UncertaintyPasses, s.NoiseStd, s.NoiseClip, s.PassesPerForward);
                    threshold = s.ThresholdAt(iteration, classes);
                    consistencyMask = UncertaintyMap.Entropy(mean).Lt(threshold.Value).To(DType.Float32);
                }
                else
                {
                    consistencyMask = torch.OnesLike(teacherProbs.Narrow(1, 0, 1));
                }
                certain = consistencyMask.Mean();
            }
        }

        var output = _student.ForwardBoth(Input(images));
        var logits = output.Logits.To(DType.Float32);
        var probs = logits.Softmax(1);
        var labels = masks.Narrow(0, 0, labeled).Squeeze(1).To(DType.Int64);
        var labelValues = labels.Max().ToDouble();
        if (labelValues >= classes || labels.Min().ToDouble() < 0)
            throw new ArgumentException($"label values must be in 0..{classes - 1}; found {labels.Min().ToDouble()}..{labelValues}");

        Tensor? ce = null, dice = null, mse = null;
        var supervised = torch.Scalar(0.0);
        if (s.UseCrossEntropy) ce = Functional.CrossEntropy(logits.Narrow(0, 0, labeled), labels);
        if (s.UseDice) dice = SoftDiceLoss.Compute(probs.Narrow(0, 0, labeled), labels);
        if (ce is not null || dice is not null)
            supervised = supervised + ((ce ?? torch.Scalar(0.0)) + (dice ?? torch.Scalar(0.0))) * s.SegmentationWeight;
        var distance = output.Distance?.To(DType.Float32);
        if (distance is not null && s.DistanceWeight > 0)
        {
            var targets = cachedTargets?.Narrow(0, 0, labeled).To(DType.Float32) ?? DistanceTargets(labels, classes);
            mse = Functional.MseLoss(distance.Narrow(0, 0, labeled), targets);
            supervised = supervised + mse * s.DistanceWeight;
        }

        var lambda = _teacher is null ? 0.0 : s.ConsistencyWeightAt(iteration);
        Tensor? intra = null, cross = null;
        if (teacherProbs is not null && consistencyMask is not null)
            intra = MaskedConsistencyLoss.Compute(probs.Narrow(0, labeled, unlabeled), teacherProbs, consistencyMask);
        if (_teacher is not null && s.UseCrossTask && distance is not null)
            cross = CrossTaskConsistencyLoss.Compute(distance, probs, s.Sharpness);

        var total = supervised;
        if (lambda > 0 && (intra is not null || cross is not null))
            total = total + ((intra ?? torch.Scalar(0.0)) + (cross ?? torch.Scalar(0.0))) * lambda;
        return new UgMclLossTerms(total, supervised, ce, dice, mse, intra, cross, lambda, threshold, certain);
    }

    /// <summary>The network's input channels of <paramref name="images"/> and, when present, the K−1 trailing SDF target channels.</summary>
    private (Tensor Inputs, Tensor? Targets) SplitChannels(Tensor images)
    {
        var channels = images.Size(1);
        var input = _student.InChannels;
        if (channels == input) return (images, null);
        var extra = _student.Classes - 1;
        if (channels != input + extra)
            throw new ArgumentException($"segmentation batches need {input} image channels (+ {extra} SDF target channels), got {channels}");
        return (images.Narrow(1, 0, input), images.Narrow(1, input, extra));
    }

    /// <summary>Ground-truth SDFs [L, K−1, D, H, W] of the labeled patches, one channel per foreground class (per-patch normalisation).</summary>
    internal static Tensor DistanceTargets(Tensor labels, int classes)
    {
        var shape = labels.Shape; // [L, D, H, W]
        var perSample = shape[1] * shape[2] * shape[3];
        var values = labels.Contiguous().ToArray<long>();
        var spatial = new[] { (int)shape[1], (int)shape[2], (int)shape[3] };
        var result = new float[shape[0] * (classes - 1) * perSample];
        for (var i = 0; i < shape[0]; i++)
        for (var c = 1; c < classes; c++)
        {
            var voxels = new bool[perSample];
            for (var v = 0; v < perSample; v++) voxels[v] = values[i * perSample + v] == c;
            var sdf = SignedDistanceMap.Compute(new BinaryMask(voxels, spatial));
            Array.Copy(sdf, 0, result, (i * (classes - 1) + (c - 1)) * perSample, perSample);
        }
        return torch.FromSpan<float>(result, [shape[0], classes - 1, shape[1], shape[2], shape[3]]);
    }

    /// <inheritdoc/>
    public void AfterOptimizerStep(StepInfo step)
    {
        if (_teacher is not null) EmaTeacher.Update(_teacher, _student, step.GlobalStep, Settings.EmaDecay, Settings.BufferPolicy);
    }

    /// <inheritdoc/>
    public IValidationAccumulator BeginValidation() => new DiceAccumulator(this);

    private sealed class DiceAccumulator(UgMclTask task) : IValidationAccumulator
    {
        private readonly List<double> _dice = [];

        public void Add(Batch batch)
        {
            var mask = batch.Mask ?? throw new InvalidOperationException("validation batches need masks");
            using var scope = DisposeScope.Open();
            var images = task.SplitChannels(batch.Image).Inputs;
            var truth = mask.Squeeze(1).To(DType.Int64);
            var classes = task._student.Classes;
            var whole = task._validationWindow is null ? task._student.Forward(task.Input(images)).Argmax(1) : null;
            for (var i = 0; i < batch.Count; i++)
            {
                var p = whole?.Select(0, i)
                    ?? SlidingWindowInference.Probabilities(x => task._student.Forward(task.Input(x)), images.Select(0, i), task._validationWindow!).Argmax(0);
                var g = truth.Select(0, i);
                double sum = 0;
                for (var c = 1; c < classes; c++)
                    sum += Dice.Compute(BinaryMask.FromTensor(p.Eq(c)), BinaryMask.FromTensor(g.Eq(c)));
                _dice.Add(sum / (classes - 1));
            }
        }

        public IReadOnlyDictionary<string, double> Complete() =>
            new Dictionary<string, double> { ["dice"] = _dice.Count == 0 ? double.NaN : _dice.Average() };
    }
}
