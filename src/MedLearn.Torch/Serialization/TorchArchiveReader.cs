using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Serialization;

/// <summary>
/// Reads a torch.save zip archive (PyTorch >= 1.6): <c>&lt;archive&gt;/data.pkl</c> unpickled by
/// <see cref="PickleReader"/>, tensors built from the raw little-endian storages <c>&lt;archive&gt;/data/&lt;key&gt;</c>.
/// Each storage is read once, after the pickle, and freed as soon as the tensors on it are built (peak memory
/// is the tensors plus twice the largest storage); tensors sharing a storage each get their own copy (within a
/// budget, see <see cref="Materialize"/>), and a tensor the pickle references twice is one <see cref="Tensor"/>.
/// </summary>
internal sealed class TorchArchiveReader : ITorchPickleContext
{
    private sealed record StorageRef(string Key, DType DType, long NumEl)
    {
        public long Bytes => NumEl * DType.ElementSize();
    }

    private readonly string _path;
    private readonly ZipArchive _zip;
    private readonly string _prefix;

    private TorchArchiveReader(string path, ZipArchive zip, string prefix)
    {
        _path = path;
        _zip = zip;
        _prefix = prefix;
    }

    /// <summary>Reads the whole value stored in <paramref name="path"/>; tensors land in the current dispose scope.</summary>
    public static object? Load(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        CheckMagic(path, stream);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new TorchFileException(path, $"corrupt or truncated zip archive ({e.Message})", e);
        }
        using (zip)
        {
            var prefix = FindPrefix(path, zip);
            var reader = new TorchArchiveReader(path, zip, prefix);
            var byteOrder = zip.GetEntry(prefix + "byteorder");
            if (byteOrder is not null && reader.ReadText(byteOrder).Trim() is var order && order != "little")
                throw new TorchFileException(path, $"storages are stored in '{order}' byte order; only little-endian files are supported");
            var pkl = reader.ReadSmall(zip.GetEntry(prefix + "data.pkl")!);
            var value = new PickleReader(pkl, path, prefix + "data.pkl", reader).Load();
            var specs = new List<TensorSpec>();
            var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
            ValueGraph.Visit(value, path, visited, v => { if (v is TensorSpec spec) specs.Add(spec); });
            Dictionary<TensorSpec, Tensor> tensors;
            try
            {
                tensors = reader.Materialize(specs);
            }
            catch (Exception e) when (e is TorchException or OutOfMemoryException)
            {
                // Whatever libtorch still refuses about a file's tensors is the file's fault: one line naming it.
                throw new TorchFileException(path, $"a tensor cannot be built ({e.Message.Split('\n')[0]})", e);
            }
            visited.Clear();
            return ValueGraph.Replace(value, path, visited, v => v is TensorSpec spec ? tensors[spec] : v);
        }
    }

    private static void CheckMagic(string path, FileStream stream)
    {
        Span<byte> head = stackalloc byte[264];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        head = head[..n];
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return;
        if (n >= 2 && head[0] == 0x80 && head[1] <= 5)
            throw new TorchFileException(path, "legacy format (PyTorch < 1.6, not a zip archive) is not supported; "
                + "re-save it with torch.save(..., _use_new_zipfile_serialization=True)");
        if (n >= 262 && Encoding.ASCII.GetString(head.Slice(257, 5)) == "ustar")
            throw new TorchFileException(path, "legacy tar format (PyTorch < 0.4) is not supported; "
                + "re-save it with torch.save(..., _use_new_zipfile_serialization=True)");
        if (n == 0) throw new TorchFileException(path, "the file is empty");
        throw new TorchFileException(path, $"not a PyTorch file: it starts with bytes {Convert.ToHexString(head[..Math.Min(n, 8)])}"
            + " but torch.save writes a zip archive (50 4B 03 04)");
    }

    private static string FindPrefix(string path, ZipArchive zip)
    {
        IReadOnlyCollection<ZipArchiveEntry> entries;
        try
        {
            entries = zip.Entries;
        }
        catch (InvalidDataException e)
        {
            throw new TorchFileException(path, $"corrupt zip archive ({e.Message})", e);
        }
        foreach (var e in entries)
        {
            var name = e.FullName;
            if (name == "data.pkl") return "";
            if (name.EndsWith("/data.pkl", StringComparison.Ordinal) && name.IndexOf('/') == name.Length - "/data.pkl".Length)
                return name[..^"data.pkl".Length];
        }
        if (entries.Any(e => e.FullName.EndsWith("constants.pkl", StringComparison.Ordinal) || e.FullName.Contains("/code/")))
            throw new TorchFileException(path, "this is a TorchScript archive (torch.jit.save), not a torch.save file; "
                + "in Python, save the weights with torch.save(model.state_dict(), path)");
        var names = string.Join(", ", entries.Take(8).Select(e => e.FullName)) + (entries.Count > 8 ? ", ..." : "");
        throw new TorchFileException(path, $"missing data.pkl record: the zip archive is not a torch.save file (entries: {names})");
    }

    // --- records -------------------------------------------------------------------------------------------

    private byte[] ReadSmall(ZipArchiveEntry entry)
    {
        if (entry.Length > Array.MaxLength) throw new TorchFileException(_path, $"{entry.FullName} is too large ({entry.Length} bytes)");
        var buffer = new byte[entry.Length];
        try
        {
            using var s = entry.Open();
            var n = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (n < buffer.Length) throw new TorchFileException(_path, $"record {entry.FullName} is truncated ({n} of {buffer.Length} bytes)");
        }
        catch (InvalidDataException e)
        {
            throw new TorchFileException(_path, $"record {entry.FullName} is corrupt ({e.Message})", e);
        }
        return buffer;
    }

    private string ReadText(ZipArchiveEntry entry) => Encoding.UTF8.GetString(ReadSmall(entry));

    private unsafe void ReadStorage(ZipArchiveEntry entry, byte* data, long bytes)
    {
        try
        {
            using var s = entry.Open();
            long done = 0;
            while (done < bytes)
            {
                var chunk = (int)Math.Min(bytes - done, 1 << 30);
                var n = s.ReadAtLeast(new Span<byte>(data + done, chunk), chunk, throwOnEndOfStream: false);
                done += n;
                if (n < chunk) throw new TorchFileException(_path, $"storage record '{entry.FullName}' is truncated ({done} of {bytes} bytes)");
            }
        }
        catch (InvalidDataException e)
        {
            throw new TorchFileException(_path, $"storage record '{entry.FullName}' is corrupt ({e.Message})", e);
        }
    }

    /// <summary>
    /// Builds the tensors, reading each storage once (in key order of first use) and freeing it after. A tensor
    /// whose elements overlap in memory (a stride-0 expanded view, or strides that alias) stays a view of its
    /// storage: copying it would allocate its full element count (a 2^20 x 2^20 view of one float is 4 TiB). So do
    /// the tensors of a storage once their copies add up to more than <see cref="MaxCopiesPerStorage"/> times the
    /// storage (many tensors over the same bytes). Peak memory is therefore bounded by the storages, which are
    /// bounded by the file (<see cref="CheckRecordSize"/>).
    /// </summary>
    private unsafe Dictionary<TensorSpec, Tensor> Materialize(List<TensorSpec> specs)
    {
        var result = new Dictionary<TensorSpec, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var group in specs.GroupBy(s => ((StorageRef)s.Storage).Key))
        {
            var storage = (StorageRef)group.First().Storage;
            var name = _prefix + "data/" + storage.Key;
            var entry = _zip.GetEntry(name) ?? throw new TorchFileException(_path, $"missing storage record '{name}'");
            var bytes = storage.Bytes;
            if (entry.Length < bytes)
                throw new TorchFileException(_path, $"storage record '{name}' holds {entry.Length} bytes but data.pkl declares {bytes} ({storage.NumEl} {storage.DType} elements)");
            CheckRecordSize(entry, bytes);
            Tensor whole;
            var data = (byte*)NativeMemory.Alloc((nuint)Math.Max(bytes, 1));
            try
            {
                ReadStorage(entry, data, bytes);
                long[] shape = [storage.NumEl];
                fixed (long* sz = shape)
                    whole = Tensor.Wrap(Native.ml_tensor_from_data(data, (int)storage.DType, sz, 1, 0));
            }
            finally
            {
                NativeMemory.Free(data);
            }
            using (whole)
            {
                var copied = 0L;
                foreach (var spec in group)
                {
                    if (result.ContainsKey(spec)) continue;
                    Tensor view;
                    fixed (long* sz = spec.Size)
                    fixed (long* st = spec.Stride)
                        view = Tensor.Wrap(Native.ml_as_strided(whole.Handle, sz, st, spec.Size.Length, spec.StorageOffset));
                    var copyBytes = (long)spec.NumEl * storage.DType.ElementSize();
                    Tensor t = view;
                    if (!spec.Overlaps && copied + copyBytes <= MaxCopiesPerStorage * Math.Max(bytes, 1))
                    {
                        using (view) t = Tensor.Wrap(Native.ml_clone(view.Handle));
                        copied += copyBytes;
                    }
                    if (spec.RequiresGrad && storage.DType.IsFloatingPoint()) t.RequiresGrad = true;
                    result[spec] = t;
                }
            }
        }
        return result;
    }

    /// <summary>How many times its own size the copies of one storage's tensors may take before the rest stay views.</summary>
    private const long MaxCopiesPerStorage = 4;

    /// <summary>
    /// Deflate expands at most 1032-fold; a storage record claiming more than that of its compressed bytes, or
    /// compressed bytes beyond the file's end, lies about its size (and would make the reader allocate it).
    /// </summary>
    private void CheckRecordSize(ZipArchiveEntry entry, long bytes)
    {
        const long maxDeflateRatio = 1032;
        var fileLength = new FileInfo(_path).Length;
        if (entry.CompressedLength > fileLength || bytes > 64 + (Int128)entry.CompressedLength * maxDeflateRatio)
            throw new TorchFileException(_path, $"storage record '{entry.FullName}' declares {bytes} bytes but the file ({fileLength} bytes) "
                + $"holds only {entry.CompressedLength} compressed bytes for it");
    }

    // --- pickle context --------------------------------------------------------------------------------------

    public object PersistentLoad(object? pid)
    {
        if (pid is not object?[] { Length: 5 } t || t[0] as string != "storage")
            throw new TorchFileException(_path, "data.pkl: unsupported persistent id (expected ('storage', type, key, location, numel))");
        if (t[1] is not StorageTypeRef type) throw new TorchFileException(_path, "data.pkl: storage without a storage type");
        if (t[2] is not string key) throw new TorchFileException(_path, "data.pkl: storage key is not a string");
        if (t[4] is not long numel || numel < 0) throw new TorchFileException(_path, $"data.pkl: storage '{key}' has no valid element count");
        if ((Int128)numel * type.DType.ElementSize() > long.MaxValue)
            throw new TorchFileException(_path, $"data.pkl: storage '{key}' declares {numel} {type.DType} elements, more bytes than 64 bits can count");
        return new StorageRef(key, type.DType, numel);
    }

    public void CheckTensor(object? storage, long storageOffset, long[] size, long[] stride)
    {
        if (storage is not StorageRef s) throw new TorchFileException(_path, "data.pkl: a tensor is rebuilt from something that is not a storage");
        string Describe() => $"[{string.Join(", ", size)}] (stride [{string.Join(", ", stride)}], offset {storageOffset})";
        if (size.Length > MaxDims)
            throw new TorchFileException(_path, $"data.pkl: tensor on storage '{s.Key}' has {size.Length} dimensions (at most {MaxDims} are supported)");
        if (size.Any(d => d < 0) || stride.Any(d => d < 0) || storageOffset < 0)
            throw new TorchFileException(_path, $"data.pkl: tensor on storage '{s.Key}' has a negative size, stride or offset");
        // Overflow-safe: every product is taken in 128 bits and compared with the 64-bit range libtorch indexes in.
        Int128 numel = 1;
        foreach (var d in size)
        {
            numel *= d;
            if (numel > long.MaxValue)
                throw new TorchFileException(_path, $"data.pkl: tensor {Describe()} on storage '{s.Key}' has more elements than 64 bits can count");
        }
        if (numel == 0) return;
        Int128 needed = (Int128)storageOffset + 1;
        for (var i = 0; i < size.Length; i++) needed += (Int128)(size[i] - 1) * stride[i];
        if (needed > s.NumEl)
            throw new TorchFileException(_path, $"storage '{s.Key}' holds {s.NumEl} {s.DType} elements but a tensor of shape {Describe()} needs {needed}");
    }

    /// <summary>libtorch's own limit on a tensor's dimensions.</summary>
    private const int MaxDims = 64;
}
