using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Text;

namespace MedLearn.Torch.Tests;

/// <summary>
/// Crafts PyTorch files byte by byte (the pickle torch.save writes for <c>{key: tensor}</c>), with any storage size,
/// tensor size, stride and offset — including the hostile ones torch.save would never write.
/// </summary>
public static class HostileTorchFiles
{
    /// <summary>The bytes of a torch.save file holding <c>{key: tensor}</c>, the tensor on float storage '0'.</summary>
    public static byte[] StateDict(string key, long storageNumel, byte[] storage, long offset, long[] size, long[] stride)
    {
        byte[] pickle = [0x80, 0x02, (byte)'}', .. Str(key), .. TensorPickle(storageNumel, offset, size, stride), (byte)'s', (byte)'.'];
        return ZipOf(("archive/data.pkl", pickle), ("archive/data/0", storage), ("archive/version", "3\n"u8.ToArray()));
    }

    /// <summary>A 1-element storage viewed as a tensor of 2^80 elements (sizes [2^40, 2^40], strides 0).</summary>
    public static byte[] OverflowingElementCount() => StateDict("w", 1, Floats(1), 0, [1L << 40, 1L << 40], [0, 0]);

    /// <summary><c>torch._utils._rebuild_tensor_v2(storage('0', FloatStorage, numel), offset, size, stride, False, OrderedDict())</c>.</summary>
    public static byte[] TensorPickle(long storageNumel, long offset, long[] size, long[] stride) =>
    [
        .. L("ctorch._utils\n_rebuild_tensor_v2\n("),
        (byte)'(', .. Str("storage"), .. L("ctorch\nFloatStorage\n"), .. Str("0"), .. Str("cpu"), .. Int(storageNumel), (byte)'t', (byte)'Q',
        .. Int(offset), .. Tuple(size), .. Tuple(stride), 0x89, .. L("ccollections\nOrderedDict\n)R"), (byte)'t', (byte)'R',
    ];

    private static byte[] Tuple(long[] values) => [(byte)'(', .. values.SelectMany(Int), (byte)'t'];

    /// <summary>BININT for 32-bit values, LONG1 (little-endian two's complement) beyond, like pickle does.</summary>
    private static byte[] Int(long v)
    {
        if (v is >= int.MinValue and <= int.MaxValue)
        {
            var b = new byte[5];
            b[0] = (byte)'J';
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(1), (int)v);
            return b;
        }
        var bytes = new BigInteger(v).ToByteArray();
        return [0x8a, (byte)bytes.Length, .. bytes];
    }

    public static byte[] Str(string s)
    {
        var utf8 = Encoding.UTF8.GetBytes(s);
        var b = new byte[5];
        b[0] = (byte)'X';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(1), utf8.Length);
        return [.. b, .. utf8];
    }

    private static byte[] L(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    public static byte[] ZipOf(params (string Name, byte[] Data)[] entries)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                using var w = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                w.Write(data);
            }
        return output.ToArray();
    }

}
