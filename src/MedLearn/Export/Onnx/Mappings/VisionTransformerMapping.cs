using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// <see cref="VisionTransformer"/>: conv_proj, Reshape/Transpose of the map to patch tokens [N, g_h·g_w, D], the class
/// token Expand-ed to the (dynamic) batch and concatenated in front, the encoder with the position embedding for the
/// exported patch grid (fixed input height and width other than the model's image size get the embedding resized as the
/// model does, bicubic; a symbolic height or width means the model's own size), then the class token (Slice, Flatten)
/// into the head.
/// </summary>
internal sealed class VisionTransformerMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(VisionTransformer)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var vit = (VisionTransformer)module;
        var encoder = (Encoder)vit.GetSubmodule("encoder");
        var d = vit.FeatureDim;
        var grid = vit.ImageSize / vit.PatchSize;
        var shape = graph.Shape(input);
        long Size(int axis) => shape is not null && shape.Count == 4 && shape[axis] > 0 ? shape[axis] : vit.ImageSize;
        long h = Size(2), w = Size(3);
        OnnxGraphBuilder.Require(h % vit.PatchSize == 0 && w % vit.PatchSize == 0, module, path, $"input {h}x{w} is not divisible by the patch size {vit.PatchSize}");

        var tokensPath = OnnxGraphBuilder.Join(path, "tokens");
        var map = graph.EmitChild(module, path, "conv_proj", input);
        var tokens = graph.Transpose(tokensPath, graph.Reshape(tokensPath, map, 0, d, -1), 0, 2, 1);
        var clsPath = OnnxGraphBuilder.Join(path, "class_token");
        var batch = graph.Slice(clsPath, graph.Node("Shape", clsPath, [tokens]), [0], [1], [0]);
        var expandShape = graph.Node("Concat", clsPath, [batch, graph.Int64Initializer(clsPath + ".rest", [1, d])], ("axis", 0L));
        var cls = graph.Node("Expand", clsPath, [graph.Initializer(clsPath, vit.ClassToken), expandShape]);
        tokens = graph.SetShape(graph.Node("Concat", tokensPath, [cls, tokens], ("axis", 1L)), -1, -1, d);

        using var scope = DisposeScope.Open();
        var positions = PositionEmbedding.Resize(encoder.PosEmbedding, grid, grid, h / vit.PatchSize, w / vit.PatchSize);
        var encoderPath = OnnxGraphBuilder.Join(path, "encoder");
        var x = EncoderMapping.Emit(graph, encoder, encoderPath, tokens, graph.Initializer(OnnxGraphBuilder.Join(encoderPath, "pos_embedding"), positions));
        var classPath = OnnxGraphBuilder.Join(path, "class_output");
        x = graph.Node("Flatten", classPath, [graph.Slice(classPath, x, [0], [1], [1])], ("axis", 1L));
        return graph.EmitChild(module, path, "heads", x);
    }
}
