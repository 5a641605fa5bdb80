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
/// <para>The ground-truth SDF is computed on each labeled patch (as the reference code does), after cropping and
/// augmentation, per foreground class.</para>
/// <para>Logged: ce, dice_loss, sdf_mse, intra, cross, lambda, threshold, certain (fraction of masked-in voxels), dice
/// (hard Dice of the labeled part). Validation: mean foreground Dice of the student's argmax per sample ("dice").</para>
/// </remarks>
public sealed class UgMclTask : ITrainingTask
{
    private readonly SegmentationNetwork _student;
    private readonly SegmentationNetwork? _teacher;
    private PrecisionPlan? _plan;

    /// <summary>Name of the teacher among the auxiliary modules (and in checkpoints).</summary>
    public const string TeacherName = "teacher";

    /// <summary>A task training <paramref name="student"/> (and updating <paramref name="teacher"/>, needed when the settings use one).</summary>
    /// <exception cref="ArgumentException">A teacher is needed but missing or the same object, or the settings are invalid.</exception>
    public UgMclTask(SegmentationNetwork student, SegmentationNetwork? teacher, UgMclSettings settings)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (settings.UseTeacher && teacher is null) throw new ArgumentException("this method needs a teacher network", nameof(teacher));
        if (ReferenceEquals(student, teacher)) throw new ArgumentException("the teacher must be a separate copy of the student", nameof(teacher));
        _student = student;
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
    public UgMclLossTerms ComputeLosses(Tensor images, Tensor masks, int labeled, long iteration)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(masks);
        var n = (int)images.Size(0);
        if (labeled < 1 || labeled > n) throw new ArgumentOutOfRangeException(nameof(labeled), labeled, $"need 1..{n} labeled samples in the batch");
        var s = Settings;
        var classes = (int)_student.Classes;
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
            mse = Functional.MseLoss(distance.Narrow(0, 0, labeled), DistanceTargets(labels, classes));
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

    /// <summary>Ground-truth SDFs [L, K−1, D, H, W] of the labeled patches, one channel per foreground class.</summary>
    private static Tensor DistanceTargets(Tensor labels, int classes)
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
            var prediction = task._student.Forward(task.Input(batch.Image)).Argmax(1);
            var truth = mask.Squeeze(1).To(DType.Int64);
            var classes = task._student.Classes;
            for (var i = 0; i < batch.Count; i++)
            {
                var (p, g) = (prediction.Select(0, i), truth.Select(0, i));
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
