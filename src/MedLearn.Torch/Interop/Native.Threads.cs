using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial void ml_set_thread_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int ml_get_thread_num_threads();
    [LibraryImport(Lib)] internal static partial int ml_probe_intra_op_team();
}
