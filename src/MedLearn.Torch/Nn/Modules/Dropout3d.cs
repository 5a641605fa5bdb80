namespace MedLearn.Torch.Nn;

/// <summary>
/// torch.nn.Dropout3d: in training zeroes each channel of (N, C, D, H, W) with probability <see cref="DropoutBase.P"/> and scales the rest
/// by 1/(1−p); the identity in evaluation mode. The mask comes from the default generator.
/// </summary>
/// <param name="p">Drop probability in [0, 1].</param>
/// <param name="inplace">Modify the input in place.</param>
public sealed class Dropout3d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout3d(input, P, Training, Inplace);
}
