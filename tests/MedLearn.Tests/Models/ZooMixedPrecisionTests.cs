using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;

namespace MedLearn.Tests.Models;

/// <summary>
/// The layer-normalised architectures run under bf16 autocast (MedLearn's default precision on CPUs with native bf16):
/// with libtorch 1.13's own layer_norm they stopped at the first LayerNorm ("expected scalar type BFloat16 but found
/// Float"), in PyTorch 1.13 as well. Logits stay close to the fp32 forward (bf16 keeps ~3 significant digits).
/// </summary>
public sealed class ZooMixedPrecisionTests
{
    [Theory]
    [InlineData("convnext_tiny")]
    [InlineData("swin_t")]
    public void LayerNormArchitecturesRunUnderBf16AutocastCloseToFloat32(string name)
    {
        torch.ManualSeed(21);
        using var model = ModelRegistry.Create(name, 3);
        model.Eval();
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var x = torch.Randn(2, 3, 32, 32);
        var fp32 = model.Forward(x);
        Tensor mixed;
        using (Autocast.Enable(Device.CPU, DType.BFloat16)) mixed = model.Forward(x).Float();
        var scale = fp32.Abs().Max().ToDouble();
        Assert.True(scale > 1e-3, $"{name}: logits are trivially small ({scale})");
        var diff = (mixed - fp32).Abs().Max().ToDouble();
        Assert.True(diff <= 0.05 * scale, $"{name}: max |bf16 autocast - fp32| = {diff} for logits up to {scale}");
    }
}
