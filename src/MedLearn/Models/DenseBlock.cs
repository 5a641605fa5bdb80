using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's _DenseBlock: layers "denselayer1".."denselayerN", each fed the channel concatenation of the
/// block input and all earlier layers' outputs; the block returns the concatenation of all of them.
/// </summary>
public sealed class DenseBlock : Module<Tensor, Tensor>
{
    private readonly DenseLayer[] _layers;

    /// <summary>A block of <paramref name="numLayers"/> layers on <paramref name="inputFeatures"/> channels.</summary>
    public DenseBlock(int numLayers, long inputFeatures, long growthRate, long bnSize)
    {
        _layers = new DenseLayer[numLayers];
        for (var i = 0; i < numLayers; i++)
            _layers[i] = RegisterModule($"denselayer{i + 1}", new DenseLayer(inputFeatures + i * growthRate, growthRate, bnSize));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var features = new List<Tensor>(_layers.Length + 1) { input };
        foreach (var layer in _layers)
        {
            using var scope = DisposeScope.Open();
            var output = layer.Forward(torch.Cat(features, 1));
            features.Add(scope.MoveToOuter(output));
        }
        var concatenated = torch.Cat(features, 1);
        // The layers' outputs live on in the concatenation only; the caller still owns features[0] (the input).
        foreach (var feature in features.Skip(1)) feature.Dispose();
        return concatenated;
    }
}
