namespace MedLearn.Torch.Nn;

/// <summary>Instance norm over (N, C, H, W) or (C, H, W).</summary>
public sealed class InstanceNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType dtype = DType.Float32, Device? device = null)
    : InstanceNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device)
{
    private protected override int NoBatchDim => 3;

    private protected override void CheckInputDim(Tensor input)
    {
        var d = input.Dim;
        if (d != 3 && d != 4) throw new ArgumentException($"expected 3D or 4D input (got {d}D input)");
    }
}
