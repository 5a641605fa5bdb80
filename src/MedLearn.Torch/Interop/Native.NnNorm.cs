using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/nn_norm.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial IntPtr ml_batch_norm(TensorHandle x, IntPtr runningMean, IntPtr runningVar, IntPtr weight, IntPtr bias, int training, double momentum, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr ml_instance_norm(TensorHandle x, IntPtr runningMean, IntPtr runningVar, IntPtr weight, IntPtr bias, int useInputStats, double momentum, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr ml_instance_norm_unbatched(TensorHandle x, IntPtr runningMean, IntPtr runningVar, IntPtr weight, IntPtr bias, int useInputStats, double momentum, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr ml_group_norm(TensorHandle x, long numGroups, IntPtr weight, IntPtr bias, double eps);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_layer_norm(TensorHandle x, long* normalizedShape, long n, IntPtr weight, IntPtr bias, double eps);
}
