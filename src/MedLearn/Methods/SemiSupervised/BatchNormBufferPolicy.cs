namespace MedLearn.Methods.SemiSupervised;

/// <summary>What the EMA teacher update does with the teacher's buffers (batch-norm running statistics).</summary>
public enum BatchNormBufferPolicy
{
    /// <summary>
    /// Buffers are not touched by the update (the reference mean-teacher code averages parameters only): the
    /// teacher's running statistics come from its own forward passes in training mode.
    /// </summary>
    NotAveraged,

    /// <summary>After every update the teacher's buffers are copies of the student's.</summary>
    Copied,

    /// <summary>
    /// Floating-point buffers (running mean and variance) are averaged with the same decay as the parameters;
    /// integer buffers (<c>num_batches_tracked</c>) are copied.
    /// </summary>
    Averaged,
}
