using MedLearn.Models;
using MedLearn.Torch.Distributed;
using MedLearn.Torch.Nn;

namespace MedLearn.Tests.Distributed;

/// <summary>The data-parallel switches as launchers pass them (environment) and SyncBatchNorm's conversion of a zoo model.</summary>
public sealed class DataParallelOptionsTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) => k => vars.FirstOrDefault(v => v.Key == k).Value;

    [Fact]
    public void SyncBatchNormAndGradientSyncComeFromTheEnvironmentWithDocumentedDefaults()
    {
        var plain = DistributedOptions.FromEnvironment(Env(("WORLD_SIZE", "2"), ("RANK", "1")));
        Assert.False(plain.SyncBatchNorm);
        Assert.Equal(GradientSync.Overlapped, plain.GradientSync);
        var set = DistributedOptions.FromEnvironment(Env(("WORLD_SIZE", "2"), ("MEDLEARN_SYNC_BN", "1"), ("MEDLEARN_GRAD_SYNC", "after-backward")));
        Assert.True(set.SyncBatchNorm);
        Assert.Equal(GradientSync.AfterBackward, set.GradientSync);
        var e = Assert.Throws<ArgumentException>(() => DistributedOptions.FromEnvironment(Env(("MEDLEARN_SYNC_BN", "yes please"))));
        Assert.Equal("environment variable MEDLEARN_SYNC_BN='yes please' is not 1 or 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => DistributedOptions.FromEnvironment(Env(("MEDLEARN_GRAD_SYNC", "later"))));
        Assert.Contains("MEDLEARN_GRAD_SYNC='later' is not a gradient sync mode", e.Message);
    }

    [Fact]
    public void ConvertReachesEveryBatchNormOfAResNetAndKeepsTheStateDictNames()
    {
        using var model = ModelRegistry.Create("resnet18", 3, 3, null);
        var names = model.StateDict().Keys.ToArray();
        // torchvision's resnet18: bn1 + 2 per basic block x 8 blocks + 3 downsample BNs = 20.
        Assert.Equal(20, SyncBatchNorm.Convert(model, null));
        Assert.Equal(names, model.StateDict().Keys.ToArray());
        Assert.All(model.NamedModules().Select(m => m.Module).OfType<BatchNorm>(), bn => Assert.Null(bn.SyncGroup));
    }
}
