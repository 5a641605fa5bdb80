using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/nn_init.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial void ml_nn_fill_(TensorHandle t, double value);
    [LibraryImport(Lib)] internal static partial void ml_nn_trunc_normal_(TensorHandle t, double mean, double std, double a, double b, IntPtr generator);
}
