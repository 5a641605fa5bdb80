namespace MedLearn.Torch.Nn;

/// <summary>torchvision.ops.misc.Permute: a view of the input with its dimensions in <see cref="Dims"/> order. No parameters.</summary>
public sealed class Permute(params long[] dims) : Module<Tensor, Tensor>
{
    /// <summary>The new order of the input's dimensions.</summary>
    public IReadOnlyList<long> Dims { get; } = [.. dims];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Permute([.. Dims]);
}
