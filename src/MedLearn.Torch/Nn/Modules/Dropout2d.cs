namespace MedLearn.Torch.Nn;

/// <summary>
/// torch.nn.Dropout2d: in training zeroes each channel of (N, C, H, W) with probability <see cref="DropoutBase.P"/> and scales the rest
/// by 1/(1−p); the identity in evaluation mode. The mask comes from the default generator.
/// </summary>
/// <param name="p">Drop probability in [0, 1].</param>
/// <param name="inplace">Modify the input in place.</param>
public sealed class Dropout2d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout2d(input, P, Training, Inplace);
}
