namespace MedLearn.Torch.Nn;

/// <summary>Batch norm over (N, C, D, H, W) inputs.</summary>
public sealed class BatchNorm3d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32, Device? device = null)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device)
{
    private protected override void CheckInputDim(Tensor input)
    {
        var d = input.Dim;
        if (d != 5) throw new ArgumentException($"expected 5D input (got {d}D input)");
    }
}
