namespace MedLearn.Torch.Nn;

/// <summary>Batch norm over (N, C) or (N, C, L) inputs.</summary>
public sealed class BatchNorm1d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32, Device? device = null)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device)
{
    private protected override void CheckInputDim(Tensor input)
    {
        var d = input.Dim;
        if (d != 2 && d != 3) throw new ArgumentException($"expected 2D or 3D input (got {d}D input)");
    }
}
