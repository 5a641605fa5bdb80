namespace MedLearn.Tests.Models;

/// <summary>
/// tools/golden/zoo_vit_oracle.py's zoo_vit.json (ConvNeXt-Tiny, ViT-B/16 at 64 px and Swin-T; ~560 MB of state dicts
/// in the temp folder). Shared by the <see cref="Collection"/> collection.
/// </summary>
public sealed class ZooVitOracle() : TorchvisionOracle("zoo_vit_oracle.py", "zoo_vit.json")
{
    /// <summary>Name of the xunit collection whose classes share one oracle run.</summary>
    public const string Collection = "torchvision transformer-zoo oracle";
}

/// <summary>The xunit collection that shares one <see cref="ZooVitOracle"/>.</summary>
[CollectionDefinition(ZooVitOracle.Collection)]
public sealed class ZooVitOracleCollection : ICollectionFixture<ZooVitOracle>;
