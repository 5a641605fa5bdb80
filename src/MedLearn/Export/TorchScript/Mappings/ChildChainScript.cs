using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// Modules whose forward pass is their children in registration order: Sequential, DenseNet's <see cref="DenseLayer"/>
/// and <see cref="Transition"/>, the V-Net's <see cref="VNetBlock"/>, the 3-D U-Net's <see cref="UNet3dDoubleConv"/> and
/// <see cref="UNet3dDown"/>. Add a type here only when its forward pass really is that chain.
/// </summary>
internal sealed class ChildChainScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } =
        [typeof(Sequential), typeof(DenseLayer), typeof(Transition), typeof(VNetBlock), typeof(UNet3dDoubleConv), typeof(UNet3dDown)];

    public string Forward(Module module, string path) => ForwardDef([.. ChainLines(module), "return x"]);
}
