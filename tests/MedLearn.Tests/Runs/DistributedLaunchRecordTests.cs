using System.Text.Json.Nodes;
using MedLearn.Runs;
using MedLearn.Torch.Distributed;

namespace MedLearn.Tests.Runs;

public sealed class DistributedLaunchRecordTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-launches-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void AOneProcessRunRecordsNothing()
    {
        var run = RunDirectory.Create(_root.FullName, "single");
        DistributedLaunchRecord.Append(run, null, resumed: false);
        DistributedLaunchRecord.Append(run, new DistributedOptions { WorldSize = 1 }, resumed: true);
        Assert.Null(RunMarker.Get(run, DistributedLaunchRecord.MarkerKey));
    }

    [Fact]
    public void EveryLaunchOfADistributedRunIsRecordedInOrder()
    {
        var run = RunDirectory.Create(_root.FullName, "ddp", kind: RunKinds.Classify);
        DistributedLaunchRecord.Append(run, new DistributedOptions { WorldSize = 4, SyncBatchNorm = true, GradientSync = GradientSync.AfterBackward }, resumed: false);
        DistributedLaunchRecord.Append(run, null, resumed: true); // resumed on one process: the numbers change, so it is said
        DistributedLaunchRecord.Append(run, new DistributedOptions { WorldSize = 2 }, resumed: true);

        var launches = Assert.IsType<JsonArray>(RunMarker.Get(run, DistributedLaunchRecord.MarkerKey));
        Assert.Equal(3, launches.Count);
        Assert.Equal((false, 4, "gloo", true, "after-backward"), Fields(launches[0]!));
        Assert.Equal((true, 1, (string?)null, false, (string?)null), Fields(launches[1]!));
        Assert.Equal((true, 2, "gloo", false, "overlap"), Fields(launches[2]!));
        Assert.Equal(RunKinds.Classify, RunDirectory.Open(run.Path).Kind); // the rest of run.json is kept
    }

    private static (bool, int, string?, bool, string?) Fields(JsonNode launch) =>
        ((bool)launch["resumed"]!, (int)launch["world_size"]!, (string?)launch["backend"], (bool)launch["sync_batchnorm"]!, (string?)launch["grad_sync"]);
}
