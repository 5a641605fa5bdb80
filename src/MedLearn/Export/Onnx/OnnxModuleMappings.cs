using MedLearn.Export.Onnx.Mappings;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx;

/// <summary>
/// The registry of <see cref="IOnnxModuleMapping"/>s by exact module type: the torch.nn layers and MedLearn's
/// architectures. A new architecture adds one mapping per block type it defines (see docs/models.md, "Exporting and
/// deploying") to the list below or registers it at run time with <see cref="Register"/>.
/// </summary>
public static class OnnxModuleMappings
{
    private static readonly ModuleMappingTable<IOnnxModuleMapping> s_table = new(m => m.ModuleTypes);

    static OnnxModuleMappings()
    {
        IOnnxModuleMapping[] builtIn =
        [
            // torch.nn layers
            new ConvMapping(), new ConvTransposeMapping(), new LinearMapping(), new BatchNormMapping(), new InstanceNormMapping(),
            new LayerNormMapping(), new UnaryOpMapping(), new LeakyReluMapping(), new EluMapping(), new SiluMapping(), new GeluMapping(),
            new SoftmaxMapping(), new FlattenMapping(), new MaxPoolMapping(), new AvgPoolMapping(), new AdaptivePoolMapping(),
            new PassThroughMapping(), new SequentialMapping(), new HardActivationMapping(), new PermuteMapping(), new MultiheadAttentionMapping(),
            // MedLearn's classifiers
            new ResNetMapping(), new ResidualBlockMapping(), new DenseNetMapping(), new DenseBlockMapping(), new ChildChainMapping(),
            new SmallCnnMapping(), new PreActResNetMapping(), new PreActBasicBlockMapping(),
            // the torchvision zoo: EfficientNet, MobileNetV3, RegNet, Inception-v3, ConvNeXt, ViT, Swin
            new PooledClassifierMapping(), new InvertedResidualMapping(), new SqueezeExcitationMapping(), new ResBottleneckBlockMapping(),
            new InceptionMapping(), new InceptionBlockMapping(), new ConvNeXtMapping(), new CNBlockMapping(), new LayerNorm2dMapping(),
            new VisionTransformerMapping(), new EncoderMapping(), new EncoderBlockMapping(),
            new SwinTransformerMapping(), new SwinTransformerBlockMapping(), new ShiftedWindowAttentionMapping(), new PatchMergingMapping(),
            // 3-D segmentation networks
            new VNetMapping(), new UNet3dMapping(),
        ];
        foreach (var mapping in builtIn) Register(mapping);
    }

    /// <summary>Adds (or replaces) the mapping for each of <paramref name="mapping"/>'s module types.</summary>
    public static void Register(IOnnxModuleMapping mapping) => s_table.Register(mapping);

    /// <summary>The mapping for <paramref name="module"/>'s exact type, or null.</summary>
    public static IOnnxModuleMapping? Find(Module module) => s_table.Find(module);
}
