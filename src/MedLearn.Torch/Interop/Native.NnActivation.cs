using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/nn_activation.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_relu(TensorHandle x);
    [LibraryImport(Lib)] internal static partial void ml_nn_relu_(TensorHandle x);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_leaky_relu(TensorHandle x, double slope);
    [LibraryImport(Lib)] internal static partial void ml_nn_leaky_relu_(TensorHandle x, double slope);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr ml_nn_gelu(TensorHandle x, string approximate);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_elu(TensorHandle x, double alpha);
    [LibraryImport(Lib)] internal static partial void ml_nn_elu_(TensorHandle x, double alpha);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_silu(TensorHandle x);
    [LibraryImport(Lib)] internal static partial void ml_nn_silu_(TensorHandle x);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_sigmoid(TensorHandle x);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_tanh(TensorHandle x);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_hardtanh(TensorHandle x, double minVal, double maxVal);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_softmax(TensorHandle x, long dim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_log_softmax(TensorHandle x, long dim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_dropout(TensorHandle x, double p, int train);
    [LibraryImport(Lib)] internal static partial void ml_nn_dropout_(TensorHandle x, double p, int train);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_feature_dropout(TensorHandle x, double p, int train);
    [LibraryImport(Lib)] internal static partial void ml_nn_feature_dropout_(TensorHandle x, double p, int train);
}
