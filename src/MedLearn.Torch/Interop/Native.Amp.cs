using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/amp.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial int ml_autocast_is_enabled(int deviceType);
    [LibraryImport(Lib)] internal static partial void ml_autocast_set_enabled(int deviceType, int enabled);
    [LibraryImport(Lib)] internal static partial int ml_autocast_get_dtype(int deviceType);
    [LibraryImport(Lib)] internal static partial void ml_autocast_set_dtype(int deviceType, int dtype);
    [LibraryImport(Lib)] internal static partial int ml_autocast_increment_nesting();
    [LibraryImport(Lib)] internal static partial int ml_autocast_decrement_nesting();
    [LibraryImport(Lib)] internal static partial void ml_autocast_clear_cache();
    [LibraryImport(Lib)] internal static partial int ml_autocast_is_cache_enabled();
    [LibraryImport(Lib)] internal static partial void ml_autocast_set_cache_enabled(int enabled);

    [LibraryImport(Lib)] internal static unsafe partial void ml_amp_non_finite_check_and_unscale_(IntPtr* grads, long count, TensorHandle foundInf, TensorHandle invScale);
    [LibraryImport(Lib)] internal static partial void ml_amp_update_scale_(TensorHandle scale, TensorHandle growthTracker, TensorHandle foundInf, double growthFactor, double backoffFactor, long growthInterval);
}
