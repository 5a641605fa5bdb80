namespace MedLearn.Tests.Models;

/// <summary>
/// tools/golden/gen_data_zoo_cnn.py's zoo_cnn.json (EfficientNet, MobileNetV3, RegNetY, Inception-v3; ~20 s).
/// Shared by the classes of <see cref="Collection"/>.
/// </summary>
public sealed class ZooCnnOracle() : TorchvisionOracle("gen_data_zoo_cnn.py", "zoo_cnn.json")
{
    /// <summary>Name of the xunit collection whose classes share one oracle run.</summary>
    public const string Collection = "torchvision CNN zoo oracle";

    /// <summary>The seed the script sets right before the training step's forward pass.</summary>
    public const ulong TrainSeed = 1234;
}

/// <summary>The xunit collection that shares one <see cref="ZooCnnOracle"/>.</summary>
[CollectionDefinition(ZooCnnOracle.Collection)]
public sealed class ZooCnnOracleCollection : ICollectionFixture<ZooCnnOracle>;
