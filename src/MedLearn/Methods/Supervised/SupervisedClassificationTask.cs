using MedLearn.Data.Loading;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Training;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// Supervised classification as a <see cref="ITrainingTask"/>: cross-entropy of the model's logits on view 0 of
/// each batch (optionally class-weighted and label-smoothed; plus 0.4 × the auxiliary head's for an
/// <see cref="IAuxiliaryClassifier"/> such as Inception-v3), with the batch accuracy logged; validation yields
/// loss, accuracy, balanced accuracy, macro F1, macro AUC and quadratic kappa (see
/// <see cref="ClassificationValidationMetrics"/>).
/// </summary>
public sealed class SupervisedClassificationTask : ITrainingTask
{
    private readonly Module<Tensor, Tensor> _model;
    private readonly double[]? _classWeights;
    private readonly double _labelSmoothing;
    private readonly int _classes;
    private PrecisionPlan? _plan;

    /// <summary>A task training <paramref name="model"/> on <paramref name="classes"/> classes.</summary>
    /// <param name="model">Classifier returning logits [N, classes].</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="classWeights">Per-class weights of the cross-entropy (e.g. inverse frequency), or null.</param>
    /// <param name="labelSmoothing">Label smoothing of the cross-entropy, in [0, 1).</param>
    public SupervisedClassificationTask(Module<Tensor, Tensor> model, int classes, double[]? classWeights = null, double labelSmoothing = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (classWeights is not null && classWeights.Length != classes)
            throw new ArgumentException($"{classWeights.Length} class weights for {classes} classes", nameof(classWeights));
        if (labelSmoothing is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1)");
        _model = model;
        _classes = classes;
        _classWeights = classWeights;
        _labelSmoothing = labelSmoothing;
    }

    /// <inheritdoc/>
    public Module Model => _model;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Module> AuxiliaryModules { get; } = new Dictionary<string, Module>();

    /// <summary>The precision plan of the run (after <see cref="Prepare"/>).</summary>
    public PrecisionPlan Plan => _plan ?? throw new InvalidOperationException("the task has not been prepared by a trainer");

    /// <inheritdoc/>
    public void Prepare(TrainingContext context) => _plan = context.Plan;

    /// <inheritdoc/>
    public TrainStepOutput TrainStep(Batch batch, StepInfo step)
    {
        var weights = _classWeights is null ? null : torch.FromArray(_classWeights.Select(w => (float)w).ToArray(), _classes);
        Tensor logits, loss;
        if (_model is IAuxiliaryClassifier auxiliary)
        {
            // Inception-v3: CE(logits) + 0.4 · CE(auxiliary logits), torchvision's reference recipe.
            var (main, aux) = auxiliary.ForwardWithAuxiliary(Plan.PrepareInput(batch.Image));
            logits = main;
            loss = Functional.CrossEntropy(logits, batch.Labels, weights, labelSmoothing: _labelSmoothing, ignoreIndex: -1);
            if (aux is not null)
                loss = loss + auxiliary.AuxiliaryLossWeight * Functional.CrossEntropy(aux, batch.Labels, weights, labelSmoothing: _labelSmoothing, ignoreIndex: -1);
        }
        else
        {
            logits = _model.Forward(Plan.PrepareInput(batch.Image));
            loss = Functional.CrossEntropy(logits, batch.Labels, weights, labelSmoothing: _labelSmoothing, ignoreIndex: -1);
        }
        var accuracy = logits.Argmax(1).Eq(batch.Labels).To(DType.Float32).Mean();
        return new TrainStepOutput(loss, batch.Count, new Dictionary<string, Tensor> { ["accuracy"] = accuracy });
    }

    /// <inheritdoc/>
    public void AfterOptimizerStep(StepInfo step) { }

    /// <inheritdoc/>
    public IValidationAccumulator BeginValidation() => new Accumulator(new ClassificationOutputCollector(x => _model.Forward(Plan.PrepareInput(x)), _classWeights));

    private sealed class Accumulator(ClassificationOutputCollector collector) : IValidationAccumulator
    {
        public void Add(Batch batch) => collector.Add(batch);

        public IReadOnlyDictionary<string, double> Complete() => ClassificationValidationMetrics.Compute(collector.Result());
    }
}
