using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Serialization;

/// <summary>
/// Writes the zip archive torch.save produces (what PyTorch's PyTorchStreamWriter does): entries stored
/// uncompressed under <c>&lt;archive&gt;/</c> in the order data.pkl, data/0..n, version ("3"), each record's data
/// aligned to 64 bytes by padding the local header's extra field ("FB" + 'Z's); zip64 records when the
/// archive outgrows 4 GiB.
/// </summary>
internal sealed class TorchArchiveWriter
{
    private const int Alignment = 64;
    private const uint LocalHeaderSig = 0x04034b50, CentralHeaderSig = 0x02014b50, EndSig = 0x06054b50;
    private const uint Zip64EndSig = 0x06064b50, Zip64LocatorSig = 0x07064b50;
    private const ushort DosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01, the zip epoch

    private sealed record Entry(byte[] Name, uint Crc, long Size, long Offset);

    /// <summary>Sizes and offsets from which zip64 records are written (lowered by tests to exercise them).</summary>
    internal static long Zip64Threshold { get; set; } = uint.MaxValue;

    private readonly Stream _out;
    private readonly string _archive;
    private readonly List<Entry> _entries = [];
    private long _position;

    public TorchArchiveWriter(Stream output, string archiveName)
    {
        _out = output;
        _archive = archiveName;
    }

    /// <summary>Writes a complete torch.save file: data.pkl, the tensors' storages, version, central directory.</summary>
    public static void Write(Stream output, string archiveName, byte[] pickle, IReadOnlyList<Tensor> storages)
    {
        var w = new TorchArchiveWriter(output, archiveName);
        w.WriteRecord("data.pkl", pickle);
        for (var i = 0; i < storages.Count; i++) w.WriteTensorRecord($"data/{i}", storages[i]);
        w.WriteRecord("version", "3\n"u8);
        w.Finish();
    }

    /// <summary>The archive folder torch.save uses: the file name without extension.</summary>
    public static string ArchiveNameFor(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return name.Length == 0 ? "archive" : name;
    }

    private void WriteRecord(string name, ReadOnlySpan<byte> data)
    {
        WriteLocalHeader(name, Crc32.Append(0, data), data.Length);
        WriteRaw(data);
    }

    private unsafe void WriteTensorRecord(string name, Tensor tensor)
    {
        var nbytes = tensor.NumEl * tensor.DType.ElementSize();
        var buffer = (byte*)NativeMemory.Alloc((nuint)Math.Max(nbytes, 1));
        try
        {
            // Detached, on the CPU and contiguous (row-major) bytes of any dtype.
            Native.ml_tensor_copy_to(tensor.Handle, buffer, nbytes);
            Native.Check();
            const int Chunk = 1 << 30;
            uint crc = 0;
            for (long done = 0; done < nbytes; done += Chunk)
                crc = Crc32.Append(crc, new ReadOnlySpan<byte>(buffer + done, (int)Math.Min(Chunk, nbytes - done)));
            WriteLocalHeader(name, crc, nbytes);
            for (long done = 0; done < nbytes; done += Chunk)
                WriteRaw(new ReadOnlySpan<byte>(buffer + done, (int)Math.Min(Chunk, nbytes - done)));
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    private void WriteLocalHeader(string record, uint crc, long size)
    {
        var name = Encoding.UTF8.GetBytes(_archive + "/" + record);
        var offset = _position;
        var zip64 = size >= Zip64Threshold || offset >= Zip64Threshold;
        var zip64Extra = zip64 ? 20 : 0; // id, length, uncompressed and compressed sizes
        var unpadded = offset + 30 + name.Length + zip64Extra + 4;
        var pad = (int)((Alignment - unpadded % Alignment) % Alignment);
        var h = new byte[30 + name.Length + zip64Extra + 4 + pad];
        var s = h.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, LocalHeaderSig);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], zip64 ? (ushort)45 : (ushort)20);
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], 0x0800); // names are UTF-8
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], 0); // stored
        BinaryPrimitives.WriteUInt16LittleEndian(s[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(s[12..], DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(s[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(s[18..], zip64 ? uint.MaxValue : (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(s[22..], zip64 ? uint.MaxValue : (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(s[26..], (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s[28..], (ushort)(zip64Extra + 4 + pad));
        name.CopyTo(s[30..]);
        var x = s[(30 + name.Length)..];
        if (zip64)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(x, 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(x[2..], 16);
            BinaryPrimitives.WriteInt64LittleEndian(x[4..], size);
            BinaryPrimitives.WriteInt64LittleEndian(x[12..], size);
            x = x[20..];
        }
        x[0] = (byte)'F';
        x[1] = (byte)'B';
        BinaryPrimitives.WriteUInt16LittleEndian(x[2..], (ushort)pad);
        x[4..].Fill((byte)'Z');
        WriteRaw(h);
        _entries.Add(new Entry(name, crc, size, offset));
    }

    private void Finish()
    {
        var cdStart = _position;
        foreach (var e in _entries)
        {
            var zip64 = e.Size >= Zip64Threshold || e.Offset >= Zip64Threshold;
            var extra = zip64 ? 28 : 0;
            var h = new byte[46 + e.Name.Length + extra];
            var s = h.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(s, CentralHeaderSig);
            BinaryPrimitives.WriteUInt16LittleEndian(s[4..], zip64 ? (ushort)45 : (ushort)20); // made by
            BinaryPrimitives.WriteUInt16LittleEndian(s[6..], zip64 ? (ushort)45 : (ushort)20); // needed
            BinaryPrimitives.WriteUInt16LittleEndian(s[8..], 0x0800);
            BinaryPrimitives.WriteUInt16LittleEndian(s[10..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(s[12..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(s[14..], DosDate);
            BinaryPrimitives.WriteUInt32LittleEndian(s[16..], e.Crc);
            BinaryPrimitives.WriteUInt32LittleEndian(s[20..], zip64 ? uint.MaxValue : (uint)e.Size);
            BinaryPrimitives.WriteUInt32LittleEndian(s[24..], zip64 ? uint.MaxValue : (uint)e.Size);
            BinaryPrimitives.WriteUInt16LittleEndian(s[28..], (ushort)e.Name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(s[30..], (ushort)extra);
            // comment length, disk, internal/external attributes: 0
            BinaryPrimitives.WriteUInt32LittleEndian(s[42..], zip64 ? uint.MaxValue : (uint)e.Offset);
            e.Name.CopyTo(s[46..]);
            if (zip64)
            {
                var x = s[(46 + e.Name.Length)..];
                BinaryPrimitives.WriteUInt16LittleEndian(x, 0x0001);
                BinaryPrimitives.WriteUInt16LittleEndian(x[2..], 24);
                BinaryPrimitives.WriteInt64LittleEndian(x[4..], e.Size);
                BinaryPrimitives.WriteInt64LittleEndian(x[12..], e.Size);
                BinaryPrimitives.WriteInt64LittleEndian(x[20..], e.Offset);
            }
            WriteRaw(h);
        }
        var cdSize = _position - cdStart;
        var needZip64 = cdStart >= Zip64Threshold || cdSize >= Zip64Threshold || _entries.Count >= ushort.MaxValue;
        if (needZip64)
        {
            var z = new byte[56 + 20];
            var s = z.AsSpan();
            var recordOffset = _position;
            BinaryPrimitives.WriteUInt32LittleEndian(s, Zip64EndSig);
            BinaryPrimitives.WriteInt64LittleEndian(s[4..], 44);
            BinaryPrimitives.WriteUInt16LittleEndian(s[12..], 45);
            BinaryPrimitives.WriteUInt16LittleEndian(s[14..], 45);
            BinaryPrimitives.WriteInt64LittleEndian(s[24..], _entries.Count);
            BinaryPrimitives.WriteInt64LittleEndian(s[32..], _entries.Count);
            BinaryPrimitives.WriteInt64LittleEndian(s[40..], cdSize);
            BinaryPrimitives.WriteInt64LittleEndian(s[48..], cdStart);
            BinaryPrimitives.WriteUInt32LittleEndian(s[56..], Zip64LocatorSig);
            BinaryPrimitives.WriteInt64LittleEndian(s[64..], recordOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(s[72..], 1);
            WriteRaw(z);
        }
        var end = new byte[22];
        var es = end.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(es, EndSig);
        var count = (ushort)Math.Min(_entries.Count, ushort.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(es[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(es[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(es[12..], needZip64 ? uint.MaxValue : (uint)cdSize);
        BinaryPrimitives.WriteUInt32LittleEndian(es[16..], needZip64 ? uint.MaxValue : (uint)cdStart);
        WriteRaw(end);
    }

    private void WriteRaw(ReadOnlySpan<byte> data)
    {
        _out.Write(data);
        _position += data.Length;
    }
}
