using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

public static partial class torch
{
    /// <summary>
    /// Sets the intra-op thread count of the CALLING thread only (OpenMP's per-thread nthreads ICV): its
    /// following ops parallelise over at most <paramref name="threads"/> threads; other threads and the
    /// process default (<see cref="SetNumThreads"/>) are unchanged. Data-loader workers call it with 1 so
    /// decoding/augmentation on several threads does not oversubscribe the cores the training thread uses.
    /// Works whether or not the thread already ran torch ops (libtorch's one-time per-thread initialisation
    /// is forced first so it cannot overwrite the value).
    /// </summary>
    /// <exception cref="TorchArgumentException"><paramref name="threads"/> is not positive.</exception>
    public static void SetThreadNumThreads(int threads)
    {
        Native.ml_set_thread_num_threads(threads);
        Native.Check();
    }

    /// <summary>Intra-op thread count the calling thread's next parallel op will use (OpenMP max threads of this thread).</summary>
    public static int ThreadNumThreads
    {
        get
        {
            var n = Native.ml_get_thread_num_threads();
            Native.Check();
            return n;
        }
    }

    /// <summary>
    /// Diagnostic: runs a trivial parallel loop (libtorch's <c>at::parallel_for</c>) on the calling thread and
    /// returns how many OpenMP threads actually executed it (1 = this thread's ops run single-threaded).
    /// Independent of machine load, unlike timings.
    /// </summary>
    public static int ProbeIntraOpTeam()
    {
        var n = Native.ml_probe_intra_op_team();
        Native.Check();
        return n;
    }
}
