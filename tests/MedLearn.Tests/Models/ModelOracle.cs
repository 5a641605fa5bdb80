namespace MedLearn.Tests.Models;

/// <summary>
/// tools/golden/gen_data_models.py's models.json (ResNet/DenseNet): the input, torchvision's eval-mode logits,
/// state-dict keys, parameter counts. Shared by every test class of the <see cref="Collection"/> collection.
/// </summary>
public sealed class ModelOracle() : TorchvisionOracle("gen_data_models.py", "models.json")
{
    /// <summary>Name of the xunit collection whose classes share one oracle run.</summary>
    public const string Collection = "torchvision model oracle";

    /// <summary>The state dict file torchvision saved for <paramref name="model"/>.</summary>
    public string StateDictPath(string model) => PathOf(model + ".pt");
}

/// <summary>The xunit collection that shares one <see cref="ModelOracle"/>.</summary>
[CollectionDefinition(ModelOracle.Collection)]
public sealed class ModelOracleCollection : ICollectionFixture<ModelOracle>;
