using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Text;
using static MedLearn.Torch.Serialization.PickleOpcodes;

namespace MedLearn.Torch.Serialization;

/// <summary>What the unpickler needs from the archive: storages (persistent ids) and checks of tensor views.</summary>
internal interface ITorchPickleContext
{
    /// <summary>Resolves a BINPERSID id (PyTorch's <c>('storage', type, key, location, numel)</c>).</summary>
    object PersistentLoad(object? pid);

    /// <summary>Checks that a tensor view fits the storage returned by <see cref="PersistentLoad"/>.</summary>
    void CheckTensor(object? storage, long storageOffset, long[] size, long[] stride);
}

/// <summary>
/// A tensor the pickle describes; the archive reader replaces it by a <see cref="Tensor"/> once the pickle is
/// read, so that each storage is read once and freed right after the tensors on it are built.
/// </summary>
internal sealed class TensorSpec(object storage, long storageOffset, long[] size, long[] stride, bool requiresGrad)
{
    public object Storage { get; } = storage;
    public long StorageOffset { get; } = storageOffset;
    public long[] Size { get; } = size;
    public long[] Stride { get; } = stride;
    public bool RequiresGrad { get; set; } = requiresGrad;

    /// <summary>Element count (the reader checked that it fits 64 bits).</summary>
    public long NumEl => Size.Aggregate(1L, (n, d) => n * d);

    /// <summary>
    /// True unless the elements provably occupy distinct memory: taking the dimensions of size &gt; 1 by increasing
    /// stride, each stride must step past everything the smaller ones span (a stride-0 expanded dimension never does).
    /// </summary>
    public bool Overlaps
    {
        get
        {
            Int128 extent = 0;
            foreach (var (d, st) in Size.Zip(Stride).Where(p => p.First > 1).OrderBy(p => p.Second))
            {
                if (st <= extent) return true;
                extent += (Int128)(d - 1) * st;
            }
            return false;
        }
    }
}

/// <summary>A storage type global (<c>torch.FloatStorage</c> ...): only its dtype matters.</summary>
internal sealed record StorageTypeRef(string Name, DType DType);

/// <summary>
/// A restricted pickle (protocols 2-5) interpreter for PyTorch's data.pkl. It understands the opcodes
/// torch.save emits and an allow-list of globals that rebuild tensors and containers; it never imports or
/// calls anything, and any other opcode or global is an error naming it.
/// Values: dict/OrderedDict -> <c>OrderedDictionary&lt;object, object?&gt;</c>, list/set -> <c>List&lt;object?&gt;</c>,
/// tuple -> <c>object?[]</c>, int -> long (<see cref="BigInteger"/> beyond 64 bits), float -> double,
/// str -> string, bytes -> byte[], bool, None -> null, tensors -> <see cref="TensorSpec"/> (materialized by the caller).
/// </summary>
internal sealed class PickleReader
{
    private enum Callable { OrderedDict, RebuildTensorV2, RebuildParameter, RebuildParameterWithState, Set, FrozenSet, CodecsEncode, Device }

    private sealed record GlobalRef(string FullName, Callable Kind);

    private sealed class MarkObject;

    private static readonly MarkObject s_mark = new();

    private readonly byte[] _data;
    private readonly string _path;
    private readonly string _record;
    private readonly ITorchPickleContext _context;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;
    private int _opStart;

    public PickleReader(byte[] data, string path, string record, ITorchPickleContext context)
    {
        _data = data;
        _path = path;
        _record = record;
        _context = context;
    }

    private TorchFileException Fail(string problem) => new(_path, $"{_record}: {problem} (at byte {_opStart})");

    /// <summary>Runs the pickle program and returns the value STOP leaves.</summary>
    public object? Load()
    {
        while (true)
        {
            _opStart = _pos;
            var op = ReadByte();
            switch (op)
            {
                case Proto:
                    var proto = ReadByte();
                    if (proto > 5) throw Fail($"unsupported pickle protocol {proto}");
                    break;
                case Frame: ReadBytes(8); break;
                case Stop: return Pop();
                case Mark: _marks.Add(_stack.Count); _stack.Add(s_mark); break;
                case PickleOpcodes.Pop: Pop(); break;
                case PopMark: PopMarked(); break;
                case Dup: Push(Peek()); break;

                case PickleOpcodes.None: Push(null); break;
                case NewTrue: Push(true); break;
                case NewFalse: Push(false); break;
                case BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
                case BinInt1: Push((long)ReadByte()); break;
                case BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
                case Long1: Push(DecodeLong(ReadBytes(ReadByte()))); break;
                case Long4: Push(DecodeLong(ReadBytes(ReadLength(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)))))); break;
                case BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;

                case ShortBinUnicode: Push(ReadUtf8(ReadByte())); break;
                case BinUnicode: Push(ReadUtf8(ReadLength(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))))); break;
                case BinUnicode8: Push(ReadUtf8(ReadLength(BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8))))); break;
                case ShortBinBytes: Push(ReadBytes(ReadByte()).ToArray()); break;
                case BinBytes: Push(ReadBytes(ReadLength(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))).ToArray()); break;
                case BinBytes8: Push(ReadBytes(ReadLength(BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8)))).ToArray()); break;

                case EmptyDict: Push(new OrderedDictionary<object, object?>()); break;
                case EmptyList: Push(new List<object?>()); break;
                case EmptyTuple: Push(Array.Empty<object?>()); break;
                case EmptySet: Push(new List<object?>()); break;
                case PickleOpcodes.Tuple: Push(PopMarked().ToArray()); break;
                case Tuple1: Push(new[] { Pop() }); break;
                case Tuple2: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case Tuple3: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
                case FrozenSet: Push(PopMarked()); break;

                case SetItem: { var v = Pop(); var k = Pop(); SetItems(Peek(), [k, v]); break; }
                case PickleOpcodes.SetItems: { var items = PopMarked(); SetItems(Peek(), items); break; }
                case Append: { var v = Pop(); AppendItems(Peek(), [v]); break; }
                case Appends: { var items = PopMarked(); AppendItems(Peek(), items); break; }
                case AddItems: { var items = PopMarked(); AppendItems(Peek(), items); break; }

                case BinPut: _memo[ReadByte()] = Peek(); break;
                case LongBinPut: _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break;
                case Memoize: _memo[_memo.Count] = Peek(); break;
                case BinGet: Push(MemoGet(ReadByte())); break;
                case LongBinGet: Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break;

                case Global:
                {
                    var module = ReadLine();
                    var name = ReadLine();
                    Push(ResolveGlobal(module, name));
                    break;
                }
                case StackGlobal:
                {
                    var name = Pop() as string ?? throw Fail("STACK_GLOBAL expects two strings");
                    var module = Pop() as string ?? throw Fail("STACK_GLOBAL expects two strings");
                    Push(ResolveGlobal(module, name));
                    break;
                }
                case Reduce:
                case NewObj:
                {
                    var args = Pop() as object?[] ?? throw Fail($"{OpName(op)} expects an argument tuple");
                    var callable = Pop();
                    Push(Call(callable, args, op));
                    break;
                }
                case Build:
                {
                    var state = Pop();
                    var target = Peek();
                    // OrderedDict state is its attribute dict (PyTorch's `_metadata` module versions): not data.
                    // Tensors may carry Python attributes (e.g. from _rebuild_from_type_v2): dropped as well.
                    if (target is not OrderedDictionary<object, object?> and not TensorSpec)
                        throw Fail($"BUILD on a {Describe(target)} is not supported");
                    _ = state;
                    break;
                }
                case BinPersId: Push(_context.PersistentLoad(Pop())); break;
                default:
                    throw Fail($"unsupported pickle opcode 0x{op:x2}{(op is >= 0x20 and < 0x7f ? $" ('{(char)op}')" : "")}: "
                        + "the data is corrupt or was written by something other than torch.save");
            }
        }
    }

    // --- globals and calls ------------------------------------------------------------------------------

    private object ResolveGlobal(string module, string name)
    {
        var full = module + "." + name;
        switch (module)
        {
            case "collections" when name == "OrderedDict": return new GlobalRef(full, Callable.OrderedDict);
            case "torch._utils" when name == "_rebuild_tensor_v2": return new GlobalRef(full, Callable.RebuildTensorV2);
            case "torch._utils" when name == "_rebuild_parameter": return new GlobalRef(full, Callable.RebuildParameter);
            case "torch._utils" when name == "_rebuild_parameter_with_state": return new GlobalRef(full, Callable.RebuildParameterWithState);
            case "torch" when name == "device": return new GlobalRef(full, Callable.Device);
            case "torch" when StorageTypes.TryGetDType(name, out var dtype): return new StorageTypeRef(name, dtype);
            case "torch" when StorageTypes.LooksLikeStorage(name):
                throw Fail($"unsupported storage type '{full}': MedLearn supports {string.Join(", ", Enum.GetNames<DType>())} tensors");
            case "torch" when IsDTypeName(name): return full; // torch.float32 etc. as a value: its name
            case "builtins" or "__builtin__" when name == "set": return new GlobalRef(full, Callable.Set);
            case "builtins" or "__builtin__" when name == "frozenset": return new GlobalRef(full, Callable.FrozenSet);
            case "_codecs" when name == "encode": return new GlobalRef(full, Callable.CodecsEncode);
        }
        throw Fail($"unsupported global '{full}': MedLearn reads tensors, dicts, lists, tuples, numbers, strings, bool and None "
            + "and never runs pickled code; convert such objects to plain values before torch.save");
    }

    private static bool IsDTypeName(string name) => name is "float32" or "float" or "float64" or "double" or "float16" or "half"
        or "bfloat16" or "int64" or "long" or "int32" or "int" or "int16" or "short" or "int8" or "uint8" or "bool";

    private object? Call(object? callable, object?[] args, byte op)
    {
        if (callable is not GlobalRef g) throw Fail($"{OpName(op)} on a {Describe(callable)} (not an allowed callable)");
        switch (g.Kind)
        {
            case Callable.OrderedDict:
            {
                var d = new OrderedDictionary<object, object?>();
                if (args.Length == 1 && args[0] is IList pairs) SetItems(d, pairs.Cast<object?>().SelectMany(p => p is IList kv && kv.Count == 2 ? new[] { kv[0], kv[1] } : throw Fail("OrderedDict expects (key, value) pairs")).ToList());
                else if (args.Length != 0) throw Fail($"{g.FullName} called with {args.Length} arguments");
                return d;
            }
            case Callable.Set or Callable.FrozenSet:
                return args.Length == 0 ? new List<object?>() : args[0] is IList items ? items.Cast<object?>().ToList() : throw Fail($"{g.FullName} expects a list");
            case Callable.CodecsEncode:
                if (args is [string text, string encoding] && encoding is "latin1" or "latin-1") return Encoding.Latin1.GetBytes(text);
                throw Fail($"{g.FullName} is supported only for latin1-encoded bytes");
            case Callable.Device:
                return args switch
                {
                    [string type] => type,
                    [string type, long index] => $"{type}:{index}",
                    _ => throw Fail($"{g.FullName} called with unexpected arguments"),
                };
            case Callable.RebuildTensorV2:
            {
                if (args.Length is < 6 or > 7) throw Fail($"{g.FullName} called with {args.Length} arguments (expected 6 or 7)");
                var offset = args[1] as long? ?? throw Fail("tensor storage offset is not an integer");
                var size = Ints(args[2], "size");
                var stride = Ints(args[3], "stride");
                if (size.Length != stride.Length) throw Fail($"tensor has {size.Length} sizes but {stride.Length} strides");
                _context.CheckTensor(args[0], offset, size, stride);
                return new TensorSpec(args[0]!, offset, size, stride, args[4] is true);
            }
            case Callable.RebuildParameter or Callable.RebuildParameterWithState:
            {
                if (args.Length < 2 || args[0] is not TensorSpec data) throw Fail($"{g.FullName} expects a tensor");
                data.RequiresGrad |= args[1] is true;
                return data;
            }
        }
        throw Fail($"{g.FullName} cannot be called");
    }

    private long[] Ints(object? value, string what)
    {
        if (value is not object?[] tuple) throw Fail($"tensor {what} is not a tuple");
        var result = new long[tuple.Length];
        for (var i = 0; i < tuple.Length; i++)
            result[i] = tuple[i] as long? ?? throw Fail($"tensor {what} holds a non-integer");
        return result;
    }

    // --- containers ---------------------------------------------------------------------------------------

    private void SetItems(object? target, IList<object?> items)
    {
        if (target is not OrderedDictionary<object, object?> dict) throw Fail($"SETITEM(S) on a {Describe(target)}");
        if (items.Count % 2 != 0) throw Fail("SETITEMS with an odd number of items");
        for (var i = 0; i < items.Count; i += 2)
        {
            var key = items[i] ?? throw Fail("dictionary key None is not supported");
            if (key is not (string or long or double or bool or BigInteger or object?[]))
                throw Fail($"dictionary key of type {Describe(key)} is not supported");
            dict[key] = items[i + 1];
        }
    }

    private void AppendItems(object? target, IList<object?> items)
    {
        if (target is not List<object?> list) throw Fail($"APPEND(S) on a {Describe(target)}");
        list.AddRange(items);
    }

    // --- stack and memo --------------------------------------------------------------------------------

    private void Push(object? value) => _stack.Add(value);

    private object? Peek()
    {
        if (_stack.Count == 0 || _stack[^1] is MarkObject) throw Fail("pickle stack underflow");
        return _stack[^1];
    }

    private object? Pop()
    {
        var v = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private List<object?> PopMarked()
    {
        if (_marks.Count == 0) throw Fail("no MARK on the pickle stack");
        var at = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(at + 1, _stack.Count - at - 1);
        _stack.RemoveRange(at, _stack.Count - at);
        return items;
    }

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out var v) ? v : throw Fail($"memo entry {index} was never stored");

    // --- raw reads ---------------------------------------------------------------------------------------

    private byte ReadByte()
    {
        if (_pos >= _data.Length) throw Fail($"truncated pickle data: it ends after {_data.Length} bytes without STOP");
        return _data[_pos++];
    }

    private ReadOnlySpan<byte> ReadBytes(int n)
    {
        if (n < 0 || _data.Length - _pos < n) throw Fail($"truncated pickle data: {n} bytes needed, {_data.Length - _pos} left");
        var span = _data.AsSpan(_pos, n);
        _pos += n;
        return span;
    }

    private int ReadLength(long n)
    {
        if (n < 0 || n > _data.Length - _pos) throw Fail($"truncated pickle data: {n} bytes needed, {_data.Length - _pos} left");
        return (int)n;
    }

    private int ReadLength(ulong n) => ReadLength(n > long.MaxValue ? -1 : (long)n);

    private string ReadUtf8(int n) => Encoding.UTF8.GetString(ReadBytes(n));

    private string ReadLine()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Fail("truncated pickle data inside GLOBAL");
        var s = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private static object DecodeLong(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return 0L;
        if (bytes.Length <= 8)
        {
            Span<byte> buf = stackalloc byte[8];
            var fill = (bytes[^1] & 0x80) != 0 ? (byte)0xFF : (byte)0;
            buf.Fill(fill);
            bytes.CopyTo(buf);
            return BinaryPrimitives.ReadInt64LittleEndian(buf);
        }
        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (long)big : big;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        GlobalRef g => g.FullName,
        StorageTypeRef s => "torch." + s.Name,
        _ => value.GetType().Name,
    };

    private static string OpName(byte op) => op == Reduce ? "REDUCE" : op == NewObj ? "NEWOBJ" : $"opcode 0x{op:x2}";
}
