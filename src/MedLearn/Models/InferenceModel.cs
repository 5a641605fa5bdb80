using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// A network prepared for fast inference on the CPU: evaluation mode, batch norms folded into their
/// convolutions (<see cref="ConvBatchNormFolding"/>), parameters in the <see cref="PrecisionPlan"/>'s memory
/// format (channels-last for 2-D convnets on the CPU) and, when the plan says bfloat16 (Precision.Auto on a CPU
/// with avx512_bf16/amx_bf16), bfloat16 weights; <see cref="Forward"/> runs under inference mode.
/// <para>bfloat16 weights are the same computation as bfloat16 autocast for these networks (autocast rounds every
/// convolution and linear layer's weights and inputs to bfloat16 and keeps their bfloat16 outputs), without casting
/// the float32 weights again in every forward pass. Outputs are returned as float32.</para>
/// <para>The prepared model is changed in place and is for inference only (see <see cref="ConvBatchNormFolding"/>);
/// the <see cref="InferenceModel"/> owns it from then on.</para>
/// </summary>
public sealed class InferenceModel : IDisposable
{
    private InferenceModel(Module<Tensor, Tensor> model, PrecisionPlan plan, int foldedPairs, DType? weightDType)
    {
        Model = model;
        Plan = plan;
        FoldedPairs = foldedPairs;
        WeightDType = weightDType;
    }

    /// <summary>The prepared network (folded, evaluation mode, in the plan's layout and weight dtype).</summary>
    public Module<Tensor, Tensor> Model { get; }

    /// <summary>The precision plan the model was prepared for.</summary>
    public PrecisionPlan Plan { get; }

    /// <summary>Number of convolution/batch-norm pairs folded.</summary>
    public int FoldedPairs { get; }

    /// <summary>The dtype the floating-point weights were converted to (bfloat16), or null when they stayed float32.</summary>
    public DType? WeightDType { get; }

    /// <summary>
    /// Prepares <paramref name="model"/> for inference on the CPU with <paramref name="precision"/> resolved by
    /// <see cref="PrecisionPlan.Resolve"/> for 2-D convolutions (Auto: bfloat16 + channels-last on CPUs with native
    /// bfloat16, float32 + channels-last otherwise). Takes ownership of the model.
    /// </summary>
    public static InferenceModel Prepare(Module<Tensor, Tensor> model, Precision precision = Precision.Auto) =>
        Prepare(model, PrecisionPlan.Resolve(precision, Device.CPU, spatialDims: 2));

    /// <summary>
    /// Prepares <paramref name="model"/> for <paramref name="plan"/>: <c>Eval()</c>, <see cref="ConvBatchNormFolding.Fold"/>,
    /// the plan's memory format, and bfloat16 weights when the plan's autocast dtype is bfloat16 on the CPU (on CUDA the
    /// plan's autocast is used in <see cref="Forward"/> instead). Takes ownership of the model.
    /// </summary>
    public static InferenceModel Prepare(Module<Tensor, Tensor> model, PrecisionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        model.Eval();
        var folded = ConvBatchNormFolding.Fold(model);
        plan.Apply(model);
        DType? weightDType = null;
        if (plan.AutocastDType == DType.BFloat16 && plan.Device.Type == DeviceType.CPU)
        {
            model.To(DType.BFloat16);
            weightDType = DType.BFloat16;
        }
        return new InferenceModel(model, plan, folded, weightDType);
    }

    /// <summary>
    /// Runs the model on <paramref name="input"/> (float32, any layout) under inference mode and returns the output
    /// as float32, in the caller's dispose scope. The output is an inference tensor: it cannot enter autograd.
    /// </summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = DisposeScope.Open();
        using var inference = GradMode.InferenceMode();
        var x = Plan.PrepareInput(input);
        Tensor output;
        if (WeightDType is { } dtype) output = Model.Forward(x.To(dtype)).To(DType.Float32);
        else
        {
            using (Plan.Autocast()) output = Model.Forward(x);
            if (output.DType != DType.Float32) output = output.To(DType.Float32);
        }
        return scope.MoveToOuter(output);
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose() => Model.Dispose();
}
