using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's ViT Encoder: <c>pos_embedding</c> [1, 1 + g², D] (normal, std 0.02), <c>dropout</c>, <c>layers</c>
/// (<c>encoder_layer_0</c> .. <see cref="EncoderBlock"/>s) and the final <c>ln</c> (LayerNorm eps 1e-6).
/// </summary>
public sealed class Encoder : Module<Tensor, Tensor>
{
    private readonly Dropout _dropout;
    private readonly Sequential _layers;
    private readonly LayerNorm _ln;

    /// <summary>An encoder for sequences of <paramref name="seqLength"/> tokens (class token included).</summary>
    public Encoder(long seqLength, int numLayers, long numHeads, long hiddenDim, long mlpDim, double dropout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numLayers, 1);
        PosEmbedding = RegisterParameter("pos_embedding", torch.Empty([1, seqLength, hiddenDim]))!;
        using (GradMode.NoGrad()) Init.Normal_(PosEmbedding, std: 0.02);
        _dropout = RegisterModule("dropout", new Dropout(dropout));
        _layers = RegisterModule("layers", new Sequential());
        for (var i = 0; i < numLayers; i++) _layers.Add($"encoder_layer_{i}", new EncoderBlock(numHeads, hiddenDim, mlpDim, dropout));
        _ln = RegisterModule("ln", new LayerNorm(hiddenDim, eps: 1e-6));
    }

    /// <summary>The learned position embedding [1, 1 + g², D].</summary>
    public Tensor PosEmbedding { get; }

    /// <summary>Number of encoder blocks.</summary>
    public int NumLayers => _layers.Count;

    /// <summary>Tokens [N, L, D] whose length equals the position embedding's.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, PosEmbedding, null);

    /// <summary>
    /// ln(layers(dropout(input + <paramref name="positions"/>))); <paramref name="normalized"/> (when not null) is
    /// called with each block's index and its ln_1 output and returns the tensor the block continues with.
    /// </summary>
    public Tensor Forward(Tensor input, Tensor positions, Func<int, Tensor, Tensor>? normalized)
    {
        if (input.Dim != 3) throw new ArgumentException($"Expected (batch_size, seq_length, hidden_dim) got [{string.Join(", ", input.Shape)}]", nameof(input));
        // With a hook the recorded activations must outlive this call: everything stays in the caller's scope.
        using var scope = normalized is null ? DisposeScope.Open() : null;
        var x = _dropout.Forward(input + positions);
        var i = 0;
        foreach (var layer in _layers)
        {
            var index = i++;
            x = ((EncoderBlock)layer).Forward(x, normalized is null ? null : t => normalized(index, t));
        }
        var y = _ln.Forward(x);
        return scope is null ? y : scope.MoveToOuter(y);
    }
}
