using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using static MedLearn.Torch.Serialization.PickleOpcodes;

namespace MedLearn.Torch.Serialization;

/// <summary>
/// Writes a nested value as a protocol-2 pickle the way torch.save does: tensors as
/// <c>torch._utils._rebuild_tensor_v2</c> over a persistent storage id, whose bytes the caller writes as
/// record <c>data/&lt;key&gt;</c> (see <see cref="Storages"/>).
/// </summary>
/// <remarks>
/// <c>OrderedDictionary&lt;string, Tensor&gt;</c> (a module state dict) becomes <c>collections.OrderedDict</c>;
/// every other dictionary a dict (keys: strings, integers, bools); <c>object?[]</c> and value tuples become
/// tuples; other lists become lists; integers int, reals float, strings str, null None.
/// </remarks>
internal sealed class PickleWriter
{
    private const int BatchSize = 1000; // Python's pickler batches SETITEMS/APPENDS the same way.

    private readonly MemoryStream _out = new();
    private readonly Dictionary<string, int> _globals = [];
    private readonly Dictionary<Tensor, string> _keys = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> _storages = [];
    private int _memo;

    /// <summary>Tensors in storage-key order: record <c>data/i</c> holds <c>Storages[i]</c>'s contiguous bytes.</summary>
    public IReadOnlyList<Tensor> Storages => _storages;

    /// <summary>Pickles <paramref name="value"/> and returns the data.pkl bytes.</summary>
    public byte[] Pickle(object? value)
    {
        _out.WriteByte(Proto);
        _out.WriteByte(2);
        Write(value, "value", 0);
        _out.WriteByte(Stop);
        return _out.ToArray();
    }

    private void Write(object? value, string where, int depth)
    {
        if (depth > 200) throw new ArgumentException($"{where}: nesting is deeper than 200 levels (a cycle?)");
        switch (value)
        {
            case null: _out.WriteByte(None); break;
            case bool b: _out.WriteByte(b ? NewTrue : NewFalse); break;
            case long or int or short or sbyte or byte or ushort or uint: WriteInt(Convert.ToInt64(value)); break;
            case ulong u: WriteBig(u); break;
            case BigInteger big: WriteBig(big); break;
            case double or float or Half or decimal: WriteFloat(Convert.ToDouble(value)); break;
            case string s: WriteString(s); break;
            case Tensor t: WriteTensor(t, where); break;
            case OrderedDictionary<string, Tensor> stateDict:
                WriteGlobal("collections", "OrderedDict");
                _out.WriteByte(EmptyTuple);
                _out.WriteByte(Reduce);
                WriteItems(stateDict.Select(kv => new KeyValuePair<object, object?>(kv.Key, kv.Value)), where, depth);
                break;
            case IDictionary dict:
                _out.WriteByte(EmptyDict);
                WriteItems(Entries(dict), where, depth);
                break;
            case object?[] tuple: WriteTuple(tuple, where, depth); break;
            case ITuple tuple: WriteTuple(Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToArray(), where, depth); break;
            case IList list:
                _out.WriteByte(EmptyList);
                var items = list.Cast<object?>().ToList();
                for (var start = 0; start < items.Count; start += BatchSize)
                {
                    _out.WriteByte(Mark);
                    for (var i = start; i < Math.Min(items.Count, start + BatchSize); i++) Write(items[i], $"{where}[{i}]", depth + 1);
                    _out.WriteByte(Appends);
                }
                break;
            default:
                throw new ArgumentException($"{where}: a {value.GetType().Name} cannot be written to a PyTorch file "
                    + "(supported: null, bool, integers, reals, strings, Tensor, dictionaries, lists, tuples)");
        }
    }

    private void WriteItems(IEnumerable<KeyValuePair<object, object?>> entries, string where, int depth)
    {
        var items = entries.ToList();
        for (var start = 0; start < items.Count; start += BatchSize)
        {
            _out.WriteByte(Mark);
            for (var i = start; i < Math.Min(items.Count, start + BatchSize); i++)
            {
                var (key, v) = (items[i].Key, items[i].Value);
                if (key is not (string or long or int or short or sbyte or byte or ushort or uint or ulong or bool or BigInteger))
                    throw new ArgumentException($"{where}: dictionary key {key} of type {key.GetType().Name} is not supported (use strings or integers)");
                Write(key, where, depth + 1);
                Write(v, key is string ks ? $"{where}[\"{ks}\"]" : $"{where}[{key}]", depth + 1);
            }
            _out.WriteByte(SetItems);
        }
    }

    private static IEnumerable<KeyValuePair<object, object?>> Entries(IDictionary dict)
    {
        // IDictionary's own enumerator yields DictionaryEntry (IEnumerable's may yield KeyValuePair).
        foreach (DictionaryEntry e in dict) yield return new(e.Key, e.Value);
    }

    private void WriteTuple(object?[] items, string where, int depth)
    {
        if (items.Length == 0)
        {
            _out.WriteByte(EmptyTuple);
            return;
        }
        if (items.Length > 3) _out.WriteByte(Mark);
        for (var i = 0; i < items.Length; i++) Write(items[i], $"{where}[{i}]", depth + 1);
        _out.WriteByte(items.Length switch { 1 => Tuple1, 2 => Tuple2, 3 => Tuple3, _ => PickleOpcodes.Tuple });
    }

    private void WriteTensor(Tensor t, string where)
    {
        string dtypeName;
        long[] shape;
        try
        {
            dtypeName = StorageTypes.NameOf(t.DType);
            shape = t.Shape;
        }
        catch (Exception e) when (e is NotSupportedException or ObjectDisposedException)
        {
            throw new ArgumentException($"{where}: {e.Message}", e);
        }
        if (!_keys.TryGetValue(t, out var key))
        {
            key = _storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _keys[t] = key;
            _storages.Add(t);
        }
        long numel = 1;
        foreach (var d in shape) numel *= d;
        var stride = new long[shape.Length];
        long acc = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            stride[i] = acc;
            acc *= Math.Max(shape[i], 1);
        }

        WriteGlobal("torch._utils", "_rebuild_tensor_v2");
        _out.WriteByte(Mark);
        // persistent id ('storage', torch.<Type>Storage, key, location, numel)
        _out.WriteByte(Mark);
        WriteString("storage");
        WriteGlobal("torch", dtypeName);
        WriteString(key);
        WriteString("cpu");
        WriteInt(numel);
        _out.WriteByte(PickleOpcodes.Tuple);
        _out.WriteByte(BinPersId);
        WriteInt(0);
        WriteTuple(shape.Cast<object?>().ToArray(), where, 0);
        WriteTuple(stride.Cast<object?>().ToArray(), where, 0);
        _out.WriteByte(NewFalse);
        WriteGlobal("collections", "OrderedDict");
        _out.WriteByte(EmptyTuple);
        _out.WriteByte(Reduce);
        _out.WriteByte(PickleOpcodes.Tuple);
        _out.WriteByte(Reduce);
    }

    // --- scalars -------------------------------------------------------------------------------------------

    private void WriteGlobal(string module, string name)
    {
        var full = module + "\n" + name + "\n";
        if (_globals.TryGetValue(full, out var index))
        {
            WriteMemo(LongBinGet, BinGet, index);
            return;
        }
        _out.WriteByte(Global);
        _out.Write(Encoding.ASCII.GetBytes(full));
        _globals[full] = _memo;
        WriteMemo(LongBinPut, BinPut, _memo++);
    }

    private void WriteMemo(byte longOp, byte shortOp, int index)
    {
        if (index < 256)
        {
            _out.WriteByte(shortOp);
            _out.WriteByte((byte)index);
            return;
        }
        _out.WriteByte(longOp);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, index);
        _out.Write(b);
    }

    private void WriteInt(long v)
    {
        Span<byte> b = stackalloc byte[4];
        if (v is >= 0 and <= 0xFF)
        {
            _out.WriteByte(BinInt1);
            _out.WriteByte((byte)v);
        }
        else if (v is >= 0 and <= 0xFFFF)
        {
            _out.WriteByte(BinInt2);
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v);
            _out.Write(b[..2]);
        }
        else if (v is >= int.MinValue and <= int.MaxValue)
        {
            _out.WriteByte(BinInt);
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
            _out.Write(b);
        }
        else WriteBig(v);
    }

    private void WriteBig(BigInteger v)
    {
        if (v >= long.MinValue && v <= int.MaxValue && v >= int.MinValue)
        {
            WriteInt((long)v);
            return;
        }
        var bytes = v.ToByteArray(isUnsigned: false, isBigEndian: false); // minimal two's complement, like Python's encode_long
        if (bytes.Length > 255) throw new ArgumentException($"integer {v} is too large to pickle");
        _out.WriteByte(Long1);
        _out.WriteByte((byte)bytes.Length);
        _out.Write(bytes);
    }

    private void WriteFloat(double v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, v);
        _out.WriteByte(BinFloat);
        _out.Write(b);
    }

    private void WriteString(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)bytes.Length);
        _out.WriteByte(BinUnicode);
        _out.Write(b);
        _out.Write(bytes);
    }
}
