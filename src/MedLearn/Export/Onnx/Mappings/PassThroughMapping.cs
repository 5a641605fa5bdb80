using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>Identity and (evaluation-mode) Dropout/Dropout2d/Dropout3d: no node, the input value passes through.</summary>
internal sealed class PassThroughMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Identity), typeof(Dropout), typeof(Dropout2d), typeof(Dropout3d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) => input;
}
