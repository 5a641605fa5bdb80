using MedLearn.Export.TorchScript.Mappings;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.TorchScript;

/// <summary>
/// The registry of <see cref="ITorchScriptModuleMapping"/>s by exact module type: the torch.nn layers and MedLearn's
/// architectures. A new architecture adds one mapping per block type it defines (see docs/models.md, "TorchScript")
/// to the list below or registers it at run time with <see cref="Register"/>.
/// </summary>
public static class TorchScriptModuleMappings
{
    private static readonly ModuleMappingTable<ITorchScriptModuleMapping> s_table = new(m => m.ModuleTypes);

    static TorchScriptModuleMappings()
    {
        ITorchScriptModuleMapping[] builtIn =
        [
            // torch.nn layers
            new ConvScript(), new ConvTransposeScript(), new LinearScript(), new BatchNormScript(), new InstanceNormScript(), new LayerNormScript(),
            new ActivationScript(), new FlattenScript(), new PoolScript(), new PassThroughScript(), new ChildChainScript(), new ContainerScript(), new PermuteScript(),
            // MedLearn's classifiers
            new ResNetScript(), new ResidualBlockScript(), new DenseNetScript(), new DenseBlockScript(), new SmallCnnScript(),
            new PreActResNetScript(), new PreActBasicBlockScript(), new EfficientNetScript(),
            new MobileNetV3Script(), new RegNetScript(), new InceptionScript(), new ConvNeXtScript(), new VisionTransformerScript(), new SwinScript(),
            // 3-D segmentation networks
            new VNetScript(), new UNet3dScript(),
        ];
        foreach (var mapping in builtIn) Register(mapping);
    }

    /// <summary>Adds (or replaces) the mapping for each of <paramref name="mapping"/>'s module types.</summary>
    public static void Register(ITorchScriptModuleMapping mapping) => s_table.Register(mapping);

    /// <summary>The mapping for <paramref name="module"/>'s exact type, or null.</summary>
    public static ITorchScriptModuleMapping? Find(Module module) => s_table.Find(module);
}
