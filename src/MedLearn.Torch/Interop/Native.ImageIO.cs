using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/image_io.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_image_decode(byte* bytes, long len, int reduce, int flags, int* bitsOut);
    [LibraryImport(Lib)] internal static unsafe partial int ml_jpeg_info(byte* bytes, long len, long* height, long* width, int* components);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_jpeg_decode_region(byte* bytes, long len, long top, long left, long height, long width, int reduce, int planar);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr ml_image_encode(TensorHandle image, string ext, int param);
}
