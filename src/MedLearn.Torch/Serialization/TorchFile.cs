namespace MedLearn.Torch.Serialization;

/// <summary>
/// Reads and writes PyTorch's file format (<c>torch.save</c> / <c>torch.load</c>, the zip format of PyTorch
/// 1.6 and later) without running Python or any pickled code.
/// </summary>
/// <remarks>
/// Values follow the <see cref="IStateful"/> nested-value contract. Loading gives
/// <c>OrderedDictionary&lt;object, object?&gt;</c> for dicts and OrderedDicts, <c>List&lt;object?&gt;</c> for lists
/// (and sets), <c>object?[]</c> for tuples, long for ints (<see cref="System.Numerics.BigInteger"/> beyond 64 bits),
/// double, string, bool, null, byte[] for bytes, and <see cref="Tensor"/> (each tensor its own copy on the CPU,
/// with the file's dtype, shape and strides; requires_grad as pickled; tensors sharing a storage in the file
/// do not share memory after loading — except tensors whose elements overlap in memory, such as stride-0
/// expanded views, and tensors beyond 4 times their storage's size in copies, which stay views of the storage
/// so that a small file cannot claim a huge allocation). Python attributes of OrderedDicts (the state dict's <c>_metadata</c>
/// module versions) are dropped. Saving accepts the same kinds (any IDictionary with string or
/// integer keys, any IList, value tuples, any .NET integer or real); a module state dict
/// (<c>OrderedDictionary&lt;string, Tensor&gt;</c>) is written as <c>collections.OrderedDict</c> like
/// <c>torch.save(model.state_dict())</c>, other dictionaries as dict. Tensors are written detached,
/// on the CPU and contiguous.
/// </remarks>
public static class TorchFile
{
    /// <summary>
    /// Writes <paramref name="value"/> to <paramref name="path"/> so that Python's <c>torch.load(path)</c> reads it.
    /// The file is replaced atomically: on any error no partial file is left and an existing file is unchanged.
    /// </summary>
    /// <exception cref="TorchFileException">A value has no PyTorch equivalent (the message gives its location).</exception>
    public static void Save(object? value, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var scope = DisposeScope.Open();
        var writer = new PickleWriter();
        byte[] pickle;
        try
        {
            pickle = writer.Pickle(value);
        }
        catch (ArgumentException e)
        {
            throw new TorchFileException(path, e.Message, e);
        }
        var archive = TorchArchiveWriter.ArchiveNameFor(path);
        AtomicFile.Write(path, stream => TorchArchiveWriter.Write(stream, archive, pickle, writer.Storages));
    }

    /// <summary>
    /// Reads the value stored by <c>torch.save</c> (or <see cref="Save"/>) in <paramref name="path"/>. Tensors
    /// belong to the caller's dispose scope; on error none is left behind.
    /// </summary>
    /// <exception cref="TorchFileException">Not a PyTorch file, legacy (pre-1.6) format, corrupt or truncated
    /// archive, missing record, or an unsupported pickle opcode or global.</exception>
    public static object? Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var scope = DisposeScope.Open();
        var value = TorchArchiveReader.Load(path);
        KeepTensors(value, scope, 0);
        return value;
    }

    /// <summary>Moves the tensors reachable from <paramref name="value"/> out of <paramref name="scope"/>.</summary>
    internal static void KeepTensors(object? value, DisposeScope scope, int depth)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        ValueGraph.Visit(value, "", visited, v =>
        {
            if (v is Tensor t && t.Scope == scope) scope.MoveToOuter(t);
        }, depth);
    }
}
