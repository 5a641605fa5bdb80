using MedLearn.Data.Loading;
using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Training;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// Method 1 as an <see cref="ITrainingTask"/>: a student and its EMA teacher (auxiliary module "teacher",
/// checkpointed and restored with the student). Per batch (view 0 to the student, view 1 to the teacher under
/// no-grad):
/// <c>loss = CE(student logits of the labeled samples) + λ(e) · L_pred + λ(e) · β · L_rel</c>
/// (<see cref="PredictionConsistencyLoss"/>, <see cref="RelationConsistencyLoss"/>, λ from
/// <see cref="MeanTeacherSettings.ConsistencyWeightAt"/>); after every optimiser step the teacher is updated by
/// <see cref="EmaTeacher.Update"/>. The supervised arm has no teacher and uses the cross-entropy alone.
/// </summary>
/// <remarks>
/// <para>Logged per batch (averaged over the epoch as train_*): "ce", "accuracy" (of the labeled samples), and for the
/// teacher methods "consistency" (L_pred), "relation" (L_rel, src-mt only) and "consistency_weight" (λ).</para>
/// <para>Before the consistency start epoch the teacher still runs (its batch-norm statistics follow the data as in
/// the reference code), but its terms are not added, so a NaN there cannot stop training early.</para>
/// <para>Validation runs the student in evaluation mode (dropout off): loss, accuracy, balanced accuracy, macro F1,
/// macro AUC and quadratic kappa (<see cref="ClassificationValidationMetrics"/>).</para>
/// </remarks>
public sealed class MeanTeacherTask : ITrainingTask
{
    private readonly SemiSupervisedClassifier _student;
    private readonly SemiSupervisedClassifier? _teacher;
    private readonly int _classes;
    private readonly double[]? _classWeights;
    private PrecisionPlan? _plan;

    /// <summary>Name of the teacher among the auxiliary modules (and in last.pt).</summary>
    public const string TeacherName = "teacher";

    /// <summary>A task training <paramref name="student"/> (and updating <paramref name="teacher"/>) on <paramref name="classes"/> classes.</summary>
    /// <param name="student">The optimised network.</param>
    /// <param name="teacher">Its EMA copy (same architecture; its parameters are frozen here); null only for the supervised method.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="settings">Losses and teacher settings (validated).</param>
    /// <exception cref="ArgumentException">A teacher method without a teacher, or invalid settings.</exception>
    public MeanTeacherTask(SemiSupervisedClassifier student, SemiSupervisedClassifier? teacher, int classes, MeanTeacherSettings settings)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        settings.Validate(classes);
        if (teacher is null && settings.Method != SemiSupervisedMethod.Supervised)
            throw new ArgumentException($"the {settings.Method} method needs a teacher model", nameof(teacher));
        if (ReferenceEquals(teacher, student)) throw new ArgumentException("the teacher must be a separate copy of the student", nameof(teacher));
        _student = student;
        _teacher = settings.Method == SemiSupervisedMethod.Supervised ? null : teacher;
        _classes = classes;
        _classWeights = settings.ClassWeights?.ToArray();
        Settings = settings;
        if (_teacher is not null) _teacher.Freeze("*");
        AuxiliaryModules = _teacher is null ? new Dictionary<string, Module>() : new Dictionary<string, Module> { [TeacherName] = _teacher };
    }

    /// <summary>A teacher for <paramref name="student"/>: the same architecture with a copy of its current weights and buffers, parameters frozen.</summary>
    public static SemiSupervisedClassifier CreateTeacher(SemiSupervisedClassifier student, string architecture, Models.ModelOptions? modelOptions = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        var teacher = SemiSupervisedClassifier.Create(architecture, student.NumClasses, student.InChannels, student.Dropout, modelOptions);
        using (DisposeScope.Open()) teacher.LoadStateDict(student.StateDict());
        teacher.Freeze("*");
        teacher.Train(student.Training);
        return teacher;
    }

    /// <summary>The settings.</summary>
    public MeanTeacherSettings Settings { get; }

    /// <summary>The student (optimised, validated, exported).</summary>
    public SemiSupervisedClassifier Student => _student;

    /// <summary>The EMA teacher, or null for the supervised method.</summary>
    public SemiSupervisedClassifier? Teacher => _teacher;

    /// <inheritdoc/>
    public Module Model => _student;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Module> AuxiliaryModules { get; }

    private PrecisionPlan Plan => _plan ?? throw new InvalidOperationException("the task has not been prepared by a trainer");

    /// <inheritdoc/>
    public void Prepare(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _plan = context.Plan;
    }

    /// <inheritdoc/>
    public TrainStepOutput TrainStep(Batch batch, StepInfo step)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var afterDropout = Settings.RelationFeaturesAfterDropout;
        var (fs, zs) = _student.ForwardFeaturesAndLogits(Plan.PrepareInput(batch.Images[0]), afterDropout);
        var labels = batch.Labels;
        var weights = _classWeights is null ? null : torch.FromArray(_classWeights.Select(w => (float)w).ToArray(), _classes);
        var ce = Functional.CrossEntropy(zs.To(DType.Float32), labels, weights, ignoreIndex: -1);
        var labeledMask = labels.Ge(0).To(DType.Float32);
        var accuracy = (zs.Argmax(1).Eq(labels).To(DType.Float32) * labeledMask).Sum() / labeledMask.Sum().Clamp(1);
        var logs = new Dictionary<string, Tensor> { ["ce"] = ce, ["accuracy"] = accuracy };
        if (_teacher is null) return new TrainStepOutput(ce, batch.Count, logs);

        if (batch.Images.Count < 2) throw new InvalidOperationException("the mean teacher needs two views per image (DataLoaderOptions.Views = 2)");
        Tensor ft, zt;
        using (GradMode.NoGrad()) (ft, zt) = _teacher.ForwardFeaturesAndLogits(Plan.PrepareInput(batch.Images[1]), afterDropout);
        if (Settings.Scope == ConsistencyScope.Unlabeled)
        {
            var rows = labels.ToArray<long>().Select((l, i) => (l, i)).Where(x => x.l < 0).Select(x => (long)x.i).ToArray();
            var index = torch.FromArray(rows, rows.Length);
            (fs, zs, ft, zt) = (fs.IndexSelect(0, index), zs.IndexSelect(0, index), ft.IndexSelect(0, index), zt.IndexSelect(0, index));
        }
        var lambda = Settings.ConsistencyWeightAt(step.Epoch);
        var prediction = PredictionConsistencyLoss.Compute(zs, zt, Settings.ConsistencyClassWeights);
        logs["consistency"] = prediction;
        logs["consistency_weight"] = torch.Scalar(lambda);
        var loss = ce;
        if (lambda > 0) loss = loss + prediction * lambda;
        if (Settings.Method == SemiSupervisedMethod.SrcMt)
        {
            var relation = RelationConsistencyLoss.Compute(fs, ft);
            logs["relation"] = relation;
            if (lambda > 0 && Settings.RelationWeight > 0) loss = loss + relation * (lambda * Settings.RelationWeight);
        }
        return new TrainStepOutput(loss, batch.Count, logs);
    }

    /// <inheritdoc/>
    public void AfterOptimizerStep(StepInfo step)
    {
        if (_teacher is not null) EmaTeacher.Update(_teacher, _student, step.GlobalStep, Settings.EmaDecay, Settings.BufferPolicy);
    }

    /// <inheritdoc/>
    public IValidationAccumulator BeginValidation() =>
        new Accumulator(new ClassificationOutputCollector(x => _student.Forward(Plan.PrepareInput(x)), _classWeights));

    private sealed class Accumulator(ClassificationOutputCollector collector) : IValidationAccumulator
    {
        public void Add(Batch batch) => collector.Add(batch);

        public IReadOnlyDictionary<string, double> Complete() => ClassificationValidationMetrics.Compute(collector.Result());
    }
}
