using MedLearn.Torch;
using MedLearn.Torch.Distributed;

namespace MedLearn.Tests.Distributed;

/// <summary>A backend this shim was not built with is refused with what to do, not a crash or a hang.</summary>
public sealed class BackendRefusalTests
{
    [Fact]
    public void NcclIsRefusedByTheCpuShimWithHowToBuildIt()
    {
        // The test suite's shim is built against Debian's CPU libtorch (setup.sh): Gloo only.
        Assert.Equal(["gloo"], ProcessGroup.CompiledBackends);
        var error = Assert.ThrowsAny<TorchException>(() => ProcessGroup.Join(new DistributedOptions
        {
            Backend = "nccl", MasterPort = DistributedJob.FreePort(), WorldSize = 1, Timeout = TimeSpan.FromSeconds(20),
        }));
        Assert.Contains("the nccl backend is not compiled into this MedLearn shim", error.Message);
        Assert.Contains("-DMEDLEARN_WITH_NCCL=ON", error.Message);
    }

    [Fact]
    public void AnUnknownBackendIsNamed()
    {
        var error = Assert.ThrowsAny<TorchException>(() => ProcessGroup.Join(new DistributedOptions
        {
            Backend = "mpi", MasterPort = DistributedJob.FreePort(), WorldSize = 1, Timeout = TimeSpan.FromSeconds(20),
        }));
        Assert.Contains("unknown distributed backend 'mpi' (expected gloo or nccl)", error.Message);
    }
}
