using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/nn_zoo_cnn.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_hardswish(TensorHandle x);
    [LibraryImport(Lib)] internal static partial void ml_nn_hardswish_(TensorHandle x);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_hardsigmoid(TensorHandle x);
    [LibraryImport(Lib)] internal static partial void ml_nn_hardsigmoid_(TensorHandle x);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_stochastic_depth(TensorHandle x, double p, int training);
}
