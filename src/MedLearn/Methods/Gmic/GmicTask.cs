using MedLearn.Data.Loading;
using MedLearn.Models.Gmic;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Training;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// GMIC end-to-end training as a <see cref="ITrainingTask"/>: the loss of <see cref="GmicLoss"/> on view 0 of each
/// batch, with its terms logged (global, local, fusion, saliency_l1); validation yields loss (same formula),
/// auc (macro ROC AUC of y_fusion over the outputs that have both target values) and auc_global / auc_local.
/// </summary>
public sealed class GmicTask : ITrainingTask
{
    private readonly GmicModel _model;
    private readonly double _beta;
    private readonly GmicLabelScheme? _scheme;
    private PrecisionPlan? _plan;

    /// <summary>A task training <paramref name="model"/> with saliency weight <paramref name="beta"/> on single-label data.</summary>
    public GmicTask(GmicModel model, double beta) : this(model, beta, null) { }

    /// <summary>A task whose labels become targets by <paramref name="scheme"/> (null = single-label, the first class negative).</summary>
    public GmicTask(GmicModel model, double beta, GmicLabelScheme? scheme)
    {
        _scheme = scheme;
        ArgumentNullException.ThrowIfNull(model);
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be >= 0");
        _model = model;
        _beta = beta;
    }

    /// <inheritdoc/>
    public Module Model => _model;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Module> AuxiliaryModules { get; } = new Dictionary<string, Module>();

    private PrecisionPlan Plan => _plan ?? throw new InvalidOperationException("the task has not been prepared by a trainer");

    /// <inheritdoc/>
    public void Prepare(TrainingContext context) => _plan = context.Plan;

    /// <inheritdoc/>
    public TrainStepOutput TrainStep(Batch batch, StepInfo step)
    {
        var output = _model.Forward(Plan.PrepareInput(batch.Image));
        var terms = GmicLoss.Compute(output, Targets(batch.Labels), _beta);
        return new TrainStepOutput(terms.Total, batch.Count, new Dictionary<string, Tensor>
        {
            ["global"] = terms.Global,
            ["local"] = terms.Local,
            ["fusion"] = terms.Fusion,
            ["saliency_l1"] = terms.SaliencyL1,
        });
    }

    private Tensor Targets(Tensor labels) => _scheme is null ? GmicTargets.FromLabels(labels, _model.Options.Classes) : _scheme.FromLabels(labels);

    /// <inheritdoc/>
    public void AfterOptimizerStep(StepInfo step) { }

    /// <inheritdoc/>
    public IValidationAccumulator BeginValidation() => new Accumulator(this);

    private sealed class Accumulator(GmicTask task) : IValidationAccumulator
    {
        private readonly List<float[]> _targets = [], _fusion = [], _global = [], _local = [];
        private double _lossSum;
        private int _count;

        public void Add(Batch batch)
        {
            using var scope = DisposeScope.Open();
            var output = task._model.Forward(task.Plan.PrepareInput(batch.Image));
            var targets = task.Targets(batch.Labels);
            _lossSum += GmicLoss.Compute(output, targets, task._beta).Total.ToDouble() * batch.Count;
            _count += batch.Count;
            var c = task._model.Options.Classes;
            Append(_targets, targets, c);
            Append(_fusion, output.Fusion, c);
            Append(_global, output.Global, c);
            Append(_local, output.Local, c);
        }

        private static void Append(List<float[]> rows, Tensor t, int c)
        {
            var data = t.To(DType.Float32).Contiguous().ToArray<float>();
            for (var i = 0; i < data.Length / c; i++) rows.Add(data[(i * c)..((i + 1) * c)]);
        }

        public IReadOnlyDictionary<string, double> Complete() => new Dictionary<string, double>
        {
            ["loss"] = _count == 0 ? double.NaN : _lossSum / _count,
            ["auc"] = GmicMetrics.MacroAuc(_targets, _fusion),
            ["auc_global"] = GmicMetrics.MacroAuc(_targets, _global),
            ["auc_local"] = GmicMetrics.MacroAuc(_targets, _local),
        };
    }
}
