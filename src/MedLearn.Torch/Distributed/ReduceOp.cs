namespace MedLearn.Torch.Distributed;

/// <summary>How <see cref="ProcessGroup.AllReduce(Tensor[], ReduceOp)"/> combines the ranks' tensors (values match the shim).</summary>
public enum ReduceOp
{
    /// <summary>Element-wise sum over the ranks.</summary>
    Sum = 0,
    /// <summary>Element-wise mean over the ranks (sum, then divided by the world size; integer tensors: floor division).</summary>
    Average = 1,
    /// <summary>Element-wise maximum.</summary>
    Max = 2,
    /// <summary>Element-wise minimum.</summary>
    Min = 3,
}
