using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/nn_zoo_vit.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial IntPtr ml_zoo_attention(TensorHandle q, TensorHandle k, TensorHandle v, IntPtr bias, double scale);
}
