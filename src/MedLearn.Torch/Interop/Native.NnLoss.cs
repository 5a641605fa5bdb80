using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/nn_loss.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial IntPtr ml_cross_entropy(TensorHandle x, TensorHandle target, IntPtr weight, int reduction, long ignoreIndex, double labelSmoothing);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nll_loss(TensorHandle x, TensorHandle target, IntPtr weight, int reduction, long ignoreIndex);
    [LibraryImport(Lib)] internal static partial IntPtr ml_binary_cross_entropy(TensorHandle x, TensorHandle target, IntPtr weight, int reduction);
    [LibraryImport(Lib)] internal static partial IntPtr ml_binary_cross_entropy_with_logits(TensorHandle x, TensorHandle target, IntPtr weight, IntPtr posWeight, int reduction);
    [LibraryImport(Lib)] internal static partial IntPtr ml_mse_loss(TensorHandle x, TensorHandle target, int reduction);
    [LibraryImport(Lib)] internal static partial IntPtr ml_l1_loss(TensorHandle x, TensorHandle target, int reduction);
    [LibraryImport(Lib)] internal static partial IntPtr ml_smooth_l1_loss(TensorHandle x, TensorHandle target, int reduction, double beta);
    [LibraryImport(Lib)] internal static partial IntPtr ml_huber_loss(TensorHandle x, TensorHandle target, int reduction, double delta);
    [LibraryImport(Lib)] internal static partial IntPtr ml_kl_div(TensorHandle x, TensorHandle target, int reduction, int logTarget);
}
