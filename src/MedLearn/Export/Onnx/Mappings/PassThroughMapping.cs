using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>Identity and the evaluation-mode identities Dropout/Dropout2d/Dropout3d and StochasticDepth: no node, the input value passes through.</summary>
internal sealed class PassThroughMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Identity), typeof(Dropout), typeof(Dropout2d), typeof(Dropout3d), typeof(StochasticDepth)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) => input;
}
