namespace MedLearn.Torch.Nn;

/// <summary>Instance norm over (N, C, D, H, W) or (C, D, H, W).</summary>
public sealed class InstanceNorm3d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType dtype = DType.Float32, Device? device = null)
    : InstanceNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device)
{
    private protected override int NoBatchDim => 4;

    private protected override void CheckInputDim(Tensor input)
    {
        var d = input.Dim;
        if (d != 4 && d != 5) throw new ArgumentException($"expected 4D or 5D input (got {d}D input)");
    }
}
