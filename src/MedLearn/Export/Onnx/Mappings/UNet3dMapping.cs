using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// <see cref="UNet3d"/>: inc, down1..down{D}, then per up{i} the up-sampling <c>up</c>, Concat([skip, up], axis 1) and
/// <c>conv</c>, and the 1x1x1 head <c>outc</c>.
/// </summary>
internal sealed class UNet3dMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(UNet3d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var depth = ((UNet3d)module).Options.Depth;
        var skips = new string[depth + 1];
        var x = skips[0] = graph.EmitChild(module, path, "inc", input);
        for (var i = 1; i <= depth; i++) x = skips[i] = graph.EmitChild(module, path, $"down{i}", x);
        for (var i = 1; i <= depth; i++)
        {
            var upPath = OnnxGraphBuilder.Join(path, $"up{i}");
            var up = module.GetSubmodule($"up{i}");
            var upsampled = graph.EmitChild(up, upPath, "up", x);
            x = graph.EmitChild(up, upPath, "conv", graph.Node("Concat", upPath, [skips[depth - i], upsampled], ("axis", 1L)));
        }
        return graph.EmitChild(module, path, "outc", x);
    }
}
