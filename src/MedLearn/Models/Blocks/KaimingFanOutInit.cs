using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Blocks;

/// <summary>
/// The initialisation torchvision's EfficientNet and MobileNetV3 constructors share: in registration order, every
/// Conv2d gets kaiming_normal_(mode="fan_out") and a zero bias, every BatchNorm2d weight 1 and bias 0, and every
/// Linear the model's own head rule. Same order as torchvision's <c>self.modules()</c> loop, so one seed gives the same
/// weights.
/// </summary>
internal static class KaimingFanOutInit
{
    /// <summary>Initialises <paramref name="model"/>'s convolutions, batch norms and linear layers in place.</summary>
    public static void Apply(Module model, Action<Linear> initLinear)
    {
        using var noGrad = GradMode.NoGrad();
        foreach (var (_, m) in model.NamedModules())
        {
            switch (m)
            {
                case Conv2d c:
                    Init.KaimingNormal_(c.Weight, mode: FanMode.FanOut);
                    if (c.Bias is not null) Init.Zeros_(c.Bias);
                    break;
                case BatchNorm2d b:
                    Init.Ones_(b.Weight!);
                    Init.Zeros_(b.Bias!);
                    break;
                case Linear l:
                    initLinear(l);
                    break;
            }
        }
    }
}
