using System.Buffers.Binary;
using System.Collections;
using System.Diagnostics;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using System.Text.Json;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Serialization;

namespace MedLearn.Torch.Tests;

/// <summary>PyTorch file interop (MedLearn.Torch.Serialization): golden files from Python, round trips, corrupt files.</summary>
public sealed class SerializationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("medlearn-serial-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string TempPath(string name) => Path.Combine(_dir.FullName, name);

    private static string GoldenPath(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    /// <summary>Runs <paramref name="body"/> inside a dispose scope and checks the live-tensor count returns to baseline.</summary>
    private static void Scoped(Action body)
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open()) body();
        Assert.Equal(baseline, LiveTensors.Count);
    }

    private static double[] Values(Tensor t)
    {
        using var d = t.To(DType.Float64);
        return d.ToArray<double>();
    }

    private static Dictionary<string, double[]> Snapshot(Module m) =>
        m.NamedParameters().Concat(m.NamedBuffers()).ToDictionary(p => p.Item1, p => Values(p.Item2));

    private static void AssertUnchanged(Dictionary<string, double[]> before, Module m)
    {
        var after = Snapshot(m);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (k, v) in before) Assert.Equal(v, after[k]);
    }

    private static readonly Dictionary<DType, string> s_dtypeNames = new()
    {
        [DType.Float32] = "float32", [DType.Float64] = "float64", [DType.Float16] = "float16", [DType.BFloat16] = "bfloat16",
        [DType.Int64] = "int64", [DType.Int32] = "int32", [DType.Int16] = "int16", [DType.Int8] = "int8",
        [DType.UInt8] = "uint8", [DType.Bool] = "bool",
    };

    // --- Python -> C# ---------------------------------------------------------------------------------

    [Fact]
    public void PythonStateDictLoadsEveryTensorExactly()
    {
        Scoped(() =>
        {
            var golden = Golden.Load("serial");
            var sd = StateDictFile.Load(GoldenPath("serial_state.pt"));
            var keys = golden.RawValue("keys").EnumerateArray().Select(e => e.GetString()!).ToArray();
            Assert.Equal(keys, sd.Keys.ToArray());
            var strides = golden.RawValue("strides");
            foreach (var key in keys)
            {
                var t = sd[key];
                Assert.Equal(golden.DTypeName(key), s_dtypeNames[t.DType]);
                Assert.Equal(golden.Shape(key), t.Shape);
                Assert.Equal(strides.GetProperty(key).EnumerateArray().Select(e => e.GetInt64()), t.Strides);
                Assert.False(t.RequiresGrad);
                if (t.DType == DType.Int64)
                    Assert.Equal(key == "extra.i64" ? golden.RawValue("i64_exact").EnumerateArray().Select(e => e.GetInt64()).ToArray()
                        : golden.Data(key).Select(d => (long)d).ToArray(), t.ToArray<long>());
                else
                    Assert.Equal(golden.Data(key), Values(t));
            }
            // Shared storage: each tensor is its own copy.
            sd["extra.shared_a"].Mul_(0);
            Assert.NotEqual(0, sd["extra.shared_b"].Sum().ToDouble());
        });
    }

    [Theory]
    [InlineData("serial_nested.pt")]
    [InlineData("serial_nested_p4.pt")]
    public void PythonNestedValuesLoadWithContractTypes(string file)
    {
        Scoped(() =>
        {
            var golden = Golden.Load("serial");
            var v = Assert.IsType<OrderedDictionary<object, object?>>(TorchFile.Load(GoldenPath(file)));
            Assert.Equal(7L, v["epoch"]);
            Assert.Equal(0.001, v["lr"]);
            Assert.Equal("h\u00e9llo \u2713", v["name"]);
            Assert.Equal(new object?[] { true, false, null }, Assert.IsType<object?[]>(v["flags"]));
            Assert.Equal(1L << 40, v["big"]);
            Assert.Equal(-5L, v["neg"]);
            Assert.Equal(long.MinValue, v["minlong"]);
            Assert.Equal(long.MaxValue, v["maxlong"]);
            Assert.Equal(70000L, v["mid"]);
            var list = Assert.IsType<List<object?>>(v["list"]);
            Assert.Equal(1L, list[0]);
            Assert.Equal(2.5, list[1]);
            Assert.Equal("x", list[2]);
            Assert.Equal(new List<object?> { 3L }, list[3]);
            Assert.Equal(new object?[] { 4L, 5L, 6L, 7L }, list[4]);
            var intKeys = Assert.IsType<OrderedDictionary<object, object?>>(v["intkeys"]);
            Assert.Equal(new object[] { 1L, 300L, -2L }, intKeys.Keys.ToArray());
            Assert.Equal("b", intKeys[300L]);
            Assert.Empty(Assert.IsType<OrderedDictionary<object, object?>>(v["empty"]));
            Assert.Empty(Assert.IsType<List<object?>>(v["emptylist"]));
            Assert.Empty(Assert.IsType<object?[]>(v["emptytuple"]));
            Assert.Equal(new float[] { 1, 2, -3.5f }, Assert.IsType<Tensor>(v["tensor"]).ToArray<float>());

            var opt = Assert.IsType<OrderedDictionary<object, object?>>(v["optimizer"]);
            var state = Assert.IsType<OrderedDictionary<object, object?>>(opt["state"]);
            var count = (int)golden.Value("adam.param_count");
            Assert.Equal(Enumerable.Range(0, count).Select(i => (object)(long)i), state.Keys);
            for (var i = 0; i < count; i++)
            {
                var s = Assert.IsType<OrderedDictionary<object, object?>>(state[(long)i]);
                Assert.Equal(golden.Value($"adam.{i}.step"), Assert.IsType<Tensor>(s["step"]).ToDouble());
                Assert.Equal(golden.Data($"adam.{i}.exp_avg"), Values((Tensor)s["exp_avg"]!));
                Assert.Equal(golden.Data($"adam.{i}.exp_avg_sq"), Values((Tensor)s["exp_avg_sq"]!));
            }
            var group = Assert.IsType<OrderedDictionary<object, object?>>(Assert.Single(Assert.IsType<List<object?>>(opt["param_groups"])));
            Assert.Equal(golden.RawValue("adam.group_keys").EnumerateArray().Select(e => (object)e.GetString()!), group.Keys);
            Assert.Equal(new object?[] { 0.9, 0.999 }, group["betas"]);
            Assert.Equal(false, group["amsgrad"]);
            Assert.Null(group["foreach"]);
            Assert.Equal(Enumerable.Range(0, count).Select(i => (object?)(long)i), Assert.IsType<List<object?>>(group["params"]));
        });
    }

    [Fact]
    public void PythonStateDictIntoModuleReportsUnexpectedKeysAndLeavesModuleUnchangedWhenStrict()
    {
        Scoped(() =>
        {
            using var net = new TinyNet(1);
            var golden = Golden.Load("serial");
            var before = Snapshot(net);
            var path = GoldenPath("serial_state.pt");
            var e = Assert.Throws<StateDictException>(() => net.LoadStateDictFromFile(path, strict: true));
            Assert.Contains(path, e.Message);
            Assert.Contains("extra.bf16", e.UnexpectedKeys);
            Assert.Empty(e.MissingKeys);
            AssertUnchanged(before, net);

            var result = net.LoadStateDictFromFile(path, strict: false);
            Assert.Empty(result.MissingKeys);
            Assert.Equal(15, result.UnexpectedKeys.Count);
            Assert.All(result.UnexpectedKeys, k => Assert.StartsWith("extra.", k));
            foreach (var (name, t) in net.NamedParameters().Concat(net.NamedBuffers()))
                Assert.Equal(golden.Data(name), Values(t));
        });
    }

    [Fact]
    public void ShapeMismatchNamesTheFileAndLeavesModuleUnchanged()
    {
        Scoped(() =>
        {
            using var net = new TinyNet(1);
            var sd = StateDictFile.Load(GoldenPath("serial_state.pt"));
            var bad = new OrderedDictionary<string, Tensor>();
            foreach (var k in net.StateDict().Keys) bad[k] = sd[k];
            bad["fc.weight"] = torch.Zeros(3, 4);
            var path = TempPath("bad_shape.pt");
            StateDictFile.Save(bad, path);
            var before = Snapshot(net);
            var e = Assert.Throws<StateDictException>(() => net.LoadStateDictFromFile(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("size mismatch for fc.weight", e.Message);
            AssertUnchanged(before, net);
        });
    }

    // --- C# -> C# -------------------------------------------------------------------------------------

    private static OrderedDictionary<string, Tensor> EveryDType()
    {
        using var g = new Generator(42);
        var f = torch.Randn([2, 3], g);
        var transposedBytes = new byte[12 * 4];
        for (var i = 0; i < 12; i++) BinaryPrimitives.WriteSingleLittleEndian(transposedBytes.AsSpan(i * 4), i * 1.5f - 2);
        return new OrderedDictionary<string, Tensor>
        {
            ["f32"] = f,
            ["f64"] = torch.FromArray(new[] { 1.0 / 3.0, -2.5e-300, 1e300, double.NegativeInfinity }),
            ["f16"] = torch.FromArray(new[] { 0.5f, -1.25f, 65504f, 1e-4f }).Half(),
            ["bf16"] = torch.FromArray(new[] { 1.5f, -2f, 3.140625f, 1e30f }, 2, 2).BFloat16(),
            ["i64"] = torch.FromArray(new[] { long.MinValue, long.MaxValue, 0L, 42L }),
            ["i32"] = torch.FromArray(new[] { int.MinValue, int.MaxValue, -7 }),
            ["i16"] = torch.FromArray(new short[] { -300, short.MaxValue }),
            ["i8"] = torch.FromArray(new sbyte[] { -128, 5, 127 }),
            ["u8"] = torch.FromArray(new byte[] { 0, 200, 255 }),
            ["bool"] = torch.FromArray(new[] { true, false, true }),
            ["scalar"] = torch.Scalar(2.75),
            ["empty"] = torch.Zeros(0, 3),
            ["transposed"] = torch.FromStorage(transposedBytes, DType.Float32, [4, 3], [1, 4], 0),
            ["grad"] = torch.Ones([2], requiresGrad: true) * 3,
        };
    }

    [Fact]
    public void EveryDTypeRoundTripsExactlyThroughCSharp()
    {
        Scoped(() =>
        {
            var original = EveryDType();
            Assert.False(original["transposed"].IsContiguous());
            var path = TempPath("dtypes.pt");
            StateDictFile.Save(original, path);
            var loaded = StateDictFile.Load(path);
            Assert.Equal(original.Keys, loaded.Keys);
            foreach (var (k, t) in original)
            {
                var l = loaded[k];
                Assert.Equal(t.DType, l.DType);
                Assert.Equal(t.Shape, l.Shape);
                Assert.True(l.IsContiguous(), k);
                Assert.False(l.RequiresGrad, k);
                if (t.DType == DType.Int64) Assert.Equal(t.ToArray<long>(), l.ToArray<long>());
                else Assert.Equal(Values(t), Values(l));
            }
        });
    }

    [Fact]
    public void FileLayoutMatchesTorchSave()
    {
        Scoped(() =>
        {
            var path = TempPath("layout_check.pt");
            StateDictFile.Save(EveryDType(), path);
            using (var zip = ZipFile.OpenRead(path))
            {
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Equal("layout_check/data.pkl", names[0]);
                Assert.Equal("layout_check/version", names[^1]);
                Assert.Equal(Enumerable.Range(0, 14).Select(i => $"layout_check/data/{i}"), names.Skip(1).Take(14));
                using var r = new StreamReader(zip.GetEntry("layout_check/version")!.Open());
                Assert.Equal("3\n", r.ReadToEnd());
                Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength)); // stored
            }
            // Every record's data starts on a 64-byte boundary (walk the local headers).
            var bytes = File.ReadAllBytes(path);
            var pos = 0;
            var records = 0;
            while (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos)) == 0x04034b50)
            {
                var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 22));
                var dataStart = pos + 30 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos + 28));
                Assert.Equal(0, dataStart % 64);
                pos = dataStart + (int)size;
                records++;
            }
            Assert.Equal(16, records);
        });
    }

    [Fact]
    public void NestedValuesRoundTripThroughCSharp()
    {
        Scoped(() =>
        {
            var t = torch.FromArray(new[] { 1f, 2f });
            var value = new OrderedDictionary<object, object?>
            {
                ["int"] = 3,
                ["long"] = long.MinValue,
                ["ulong"] = ulong.MaxValue,
                ["huge"] = BigInteger.Pow(2, 100),
                ["double"] = -0.25,
                ["float"] = 1.5f,
                ["string"] = "\u00fcn\u00efcode \u2713",
                ["bool"] = true,
                ["null"] = null,
                ["valuetuple"] = (0.9, 0.999),
                ["tuple"] = new object?[] { 1L, "a", null, 2.0 },
                ["list"] = new List<object?> { 1, new List<object?>(), new Dictionary<string, object?>() },
                ["array"] = new[] { 1.0, 2.0 },
                ["intkeys"] = new OrderedDictionary<object, object?> { [5L] = "x", [-1] = "y" },
                ["same_twice"] = new List<object?> { t, t },
                ["many"] = Enumerable.Range(0, 2500).Select(i => (object?)(long)i).ToList(),
            };
            var path = TempPath("nested.pt");
            TorchFile.Save(value, path);
            var l = Assert.IsType<OrderedDictionary<object, object?>>(TorchFile.Load(path));
            Assert.Equal(value.Keys, l.Keys);
            Assert.Equal(3L, l["int"]);
            Assert.Equal(long.MinValue, l["long"]);
            Assert.Equal(new BigInteger(ulong.MaxValue), l["ulong"]);
            Assert.Equal(BigInteger.Pow(2, 100), l["huge"]);
            Assert.Equal(-0.25, l["double"]);
            Assert.Equal(1.5, l["float"]);
            Assert.Equal("\u00fcn\u00efcode \u2713", l["string"]);
            Assert.Equal(true, l["bool"]);
            Assert.Null(l["null"]);
            Assert.Equal(new object?[] { 0.9, 0.999 }, l["valuetuple"]);
            Assert.Equal(new object?[] { 1L, "a", null, 2.0 }, l["tuple"]);
            var list = Assert.IsType<List<object?>>(l["list"]);
            Assert.Equal(1L, list[0]);
            Assert.Empty(Assert.IsType<List<object?>>(list[1]));
            Assert.Empty(Assert.IsType<OrderedDictionary<object, object?>>(list[2]));
            Assert.Equal(new List<object?> { 1.0, 2.0 }, l["array"]);
            Assert.Equal(new object[] { 5L, -1L }, ((OrderedDictionary<object, object?>)l["intkeys"]!).Keys);
            var twice = Assert.IsType<List<object?>>(l["same_twice"]);
            Assert.Equal(new[] { 1f, 2f }, ((Tensor)twice[0]!).ToArray<float>());
            Assert.Equal(new[] { 1f, 2f }, ((Tensor)twice[1]!).ToArray<float>());
            Assert.Equal(Enumerable.Range(0, 2500).Select(i => (object?)(long)i), Assert.IsType<List<object?>>(l["many"]));
        });
    }

    [Fact]
    public void UnsupportedValueIsRejectedWithItsLocationAndNoFileIsWritten()
    {
        Scoped(() =>
        {
            var path = TempPath("bad_value.pt");
            var value = new Dictionary<string, object?> { ["extra"] = new Dictionary<string, object?> { ["when"] = DateTime.UnixEpoch } };
            var e = Assert.Throws<TorchFileException>(() => TorchFile.Save(value, path));
            Assert.Contains(path, e.Message);
            Assert.Contains("value[\"extra\"][\"when\"]", e.Message);
            Assert.Contains("DateTime", e.Message);
            Assert.Empty(_dir.GetFiles());
        });
    }

    // --- atomic save ------------------------------------------------------------------------------------

    [Fact]
    public void FailedSaveKeepsTheOldFileAndLeavesNoTemporaryFile()
    {
        Scoped(() =>
        {
            var path = TempPath("model.pt");
            StateDictFile.Save(new OrderedDictionary<string, Tensor> { ["w"] = torch.Ones(3) }, path);
            var old = File.ReadAllBytes(path);
            var broken = torch.Ones(2);
            broken.Dispose(); // a tensor that throws when written
            var e = Assert.Throws<TorchFileException>(() =>
                StateDictFile.Save(new OrderedDictionary<string, Tensor> { ["w"] = torch.Zeros(3), ["broken"] = broken }, path));
            Assert.Contains("broken", e.Message);
            Assert.Equal(old, File.ReadAllBytes(path));
            Assert.Equal(["model.pt"], _dir.GetFiles().Select(f => f.Name));
        });
    }

    [Fact]
    public void WriteFailureMidFileRemovesTheTemporaryFile()
    {
        var path = TempPath("partial.pt");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Empty(_dir.GetFiles());
        Assert.Throws<DirectoryNotFoundException>(() => TorchFile.Save(1L, Path.Combine(_dir.FullName, "missing", "x.pt")));
    }

    // --- corrupt inputs -----------------------------------------------------------------------------------

    private static byte[] RewriteZip(byte[] original, Func<string, byte[], byte[]?> transform)
    {
        using var input = new ZipArchive(new MemoryStream(original), ZipArchiveMode.Read);
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var e in input.Entries)
            {
                using var ms = new MemoryStream();
                using (var s = e.Open()) s.CopyTo(ms);
                var data = transform(e.FullName, ms.ToArray());
                if (data is null) continue;
                using var w = zip.CreateEntry(e.FullName, CompressionLevel.NoCompression).Open();
                w.Write(data);
            }
        return output.ToArray();
    }

    private static byte[] ZipOf(params (string Name, byte[] Data)[] entries)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                using var w = zip.CreateEntry(name).Open();
                w.Write(data);
            }
        return output.ToArray();
    }

    private static byte[] L(string latin1) => Encoding.Latin1.GetBytes(latin1);

    private static byte[] Pickle(params byte[][] parts) => [0x80, 0x02, .. parts.SelectMany(p => p), (byte)'.'];

    [Theory]
    [InlineData("truncated", "corrupt or truncated zip archive")]
    [InlineData("random", "not a PyTorch file")]
    [InlineData("wrong_magic", "not a PyTorch file")]
    [InlineData("empty", "the file is empty")]
    [InlineData("legacy", "legacy format")]
    [InlineData("missing_storage", "missing storage record 'corrupt/data/0'")]
    [InlineData("short_storage", "holds 2 bytes")]
    [InlineData("tensor_beyond_storage", "needs 6")]
    [InlineData("bad_opcode", "unsupported pickle opcode 0xff")]
    [InlineData("evil_global", "unsupported global 'os.system'")]
    [InlineData("truncated_pickle", "truncated pickle data")]
    [InlineData("no_data_pkl", "missing data.pkl record")]
    [InlineData("torchscript", "TorchScript archive")]
    public void CorruptFileRaisesClearErrorNamingTheFileAndLeavesModuleUnchanged(string kind, string expected)
    {
        Scoped(() =>
        {
            using var net = new TinyNet(3);
            var good = TempPath("good.pt");
            StateDictFile.Save(net, good);
            var valid = File.ReadAllBytes(good);
            var rng = new Random(7);
            // A float32 [2, 3] tensor with stride [3, 1] on a storage that declares 4 elements (it needs 6).
            var tooBigTensor = Pickle(L("ctorch._utils\n_rebuild_tensor_v2\n((X\u0007\0\0\0storagectorch\nFloatStorage\nX\u0001\0\0\00X\u0003\0\0\0cpuK\u0004tQ"),
                L("K\u0000K\u0002K\u0003\u0086K\u0003K\u0001\u0086\u0089ccollections\nOrderedDict\n)RtR"));
            byte[] bytes = kind switch
            {
                "truncated" => valid[..(valid.Length / 2)],
                "random" => Enumerable.Range(0, 4096).Select(i => i == 0 ? (byte)0x17 : (byte)rng.Next(256)).ToArray(),
                "wrong_magic" => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0],
                "empty" => [],
                "legacy" => File.ReadAllBytes(GoldenPath("serial_legacy.pt")),
                "missing_storage" => RewriteZip(valid, (n, d) => n == "good/data/0" ? null : d),
                "short_storage" => RewriteZip(valid, (n, d) => n == "good/data/0" ? d[..2] : d),
                "tensor_beyond_storage" => ZipOf(("corrupt/data.pkl", tooBigTensor), ("corrupt/data/0", new byte[16])),
                "bad_opcode" => RewriteZip(valid, (n, d) => n == "good/data.pkl" ? [0x80, 0x02, 0xFF] : d),
                "evil_global" => RewriteZip(valid, (n, d) => n == "good/data.pkl" ? Pickle(L("cos\nsystem\nX\u0002\0\0\0ls\u0085R")) : d),
                "truncated_pickle" => RewriteZip(valid, (n, d) => n == "good/data.pkl" ? d[..(d.Length / 2)] : d),
                "no_data_pkl" => ZipOf(("readme.txt", "hello"u8.ToArray())),
                "torchscript" => ZipOf(("m/constants.pkl", [0x80, 0x02, (byte)')', (byte)'.']), ("m/code/__torch__.py", "x"u8.ToArray())),
                _ => throw new ArgumentException(kind),
            };
            if (kind == "missing_storage") expected = "missing storage record 'good/data/0'";
            var path = TempPath($"{kind}.pt");
            File.WriteAllBytes(path, bytes);
            var before = Snapshot(net);

            var e = Assert.Throws<TorchFileException>(() => TorchFile.Load(path));
            Assert.Equal(path, e.FilePath);
            Assert.StartsWith(path, e.Message);
            Assert.Contains(expected, e.Message);
            if (kind == "legacy") Assert.Contains("_use_new_zipfile_serialization=True", e.Message);

            var e2 = Assert.Throws<TorchFileException>(() => net.LoadStateDictFromFile(path));
            Assert.Contains(expected, e2.Message);
            AssertUnchanged(before, net);
        });
    }

    [Fact]
    public void SelfReferencingAndDeeplyNestedPicklesNeitherHangNorOverflow()
    {
        Scoped(() =>
        {
            var cyclic = TempPath("cyclic.pt");
            File.WriteAllBytes(cyclic, ZipOf(("cyclic/data.pkl", Pickle([(byte)']', (byte)'q', 0, (byte)'h', 0, (byte)'a'])), ("cyclic/version", "3\n"u8.ToArray())));
            var list = Assert.IsType<List<object?>>(TorchFile.Load(cyclic));
            Assert.Same(list, list[0]);

            var deep = TempPath("deep.pt");
            var nested = Enumerable.Repeat((byte)']', 6000).Concat(Enumerable.Repeat((byte)'a', 5999)).ToArray();
            File.WriteAllBytes(deep, ZipOf(("deep/data.pkl", Pickle(nested)), ("deep/version", "3\n"u8.ToArray())));
            var e = Assert.Throws<TorchFileException>(() => TorchFile.Load(deep));
            Assert.Contains("nested more than", e.Message);
        });
    }

    [Fact]
    public void StateDictLoadOfACheckpointExplainsWhatTheFileHolds()
    {
        Scoped(() =>
        {
            using var net = new TinyNet(2);
            var path = TempPath("ckpt.pt");
            Checkpoint.Save(path, net, epoch: 1, step: 2);
            var e = Assert.Throws<TorchFileException>(() => StateDictFile.Load(path));
            Assert.Contains("not a state dict", e.Message);
            Assert.Contains("'model'", e.Message);
            var e2 = Assert.Throws<TorchFileException>(() => Checkpoint.Load(GoldenPath("serial_state.pt")));
            Assert.Contains("not a MedLearn checkpoint", e2.Message);
        });
    }

    // --- checkpoints ---------------------------------------------------------------------------------------

    [Fact]
    public void CheckpointRestoresModelOptimizerSchedulerAndRng()
    {
        Scoped(() =>
        {
            using var net = new TinyNet(11);
            using var opt = new FakeOptimizer(5, 0.05);
            var sched = new FakeScheduler { LastEpoch = 4 };
            var path = TempPath("checkpoint.pt");
            torch.ManualSeed(99);
            Checkpoint.Save(path, net, opt, sched, epoch: 4, step: 400,
                extra: new Dictionary<string, object?> { ["best_dice"] = 0.875, ["tags"] = new List<object?> { "a", "b" } });
            var expectedRand = torch.Rand(5).ToArray<float>();
            var expectedModel = Snapshot(net);
            var expectedMomentum = opt.Momentum.ToArray<float>();

            using var other = new TinyNet(12);
            using var otherOpt = new FakeOptimizer(0, 1.0);
            var otherSched = new FakeScheduler();
            torch.ManualSeed(1);
            var ck = Checkpoint.LoadInto(path, other, otherOpt, otherSched);
            Assert.Equal(4, ck.Epoch);
            Assert.Equal(400, ck.Step);
            Assert.Equal(0.875, ck.Extra!["best_dice"]);
            Assert.Equal(new List<object?> { "a", "b" }, ck.Extra["tags"]);
            AssertUnchanged(expectedModel, other);
            Assert.Equal(5, otherOpt.StepCount);
            Assert.Equal(0.05, otherOpt.Lr);
            Assert.Equal(expectedMomentum, otherOpt.Momentum.ToArray<float>());
            Assert.Equal(4, otherSched.LastEpoch);
            Assert.Equal(expectedRand, torch.Rand(5).ToArray<float>());
        });
    }

    [Fact]
    public void CheckpointWithoutRequestedComponentFailsBeforeChangingAnything()
    {
        Scoped(() =>
        {
            using var net = new TinyNet(11);
            var path = TempPath("weights_only.pt");
            Checkpoint.Save(path, net, epoch: 1);
            using var other = new TinyNet(12);
            using var opt = new FakeOptimizer(0, 1.0);
            var before = Snapshot(other);
            var e = Assert.Throws<InvalidOperationException>(() => Checkpoint.LoadInto(path, other, opt));
            Assert.Contains("no optimizer state", e.Message);
            AssertUnchanged(before, other);
        });
    }

    // --- C# -> Python ------------------------------------------------------------------------------------

    private static string RepoFile(string relative) => PythonOracle.RepoFile(relative);

    private static (int Code, string Out, string Err) Run(string script, params string[] args) =>
        PythonOracle.RunScript(script, null, args);

    [Fact]
    public void PythonTorchLoadReadsStateDictAndCheckpointWrittenByCSharp()
    {
        Scoped(() =>
        {
            using var net = new TinyNet(21);
            using var opt = new FakeOptimizer(3, 0.125);
            var sched = new FakeScheduler { LastEpoch = 2 };
            var statePath = TempPath("tiny_state.pt");
            var ckptPath = TempPath("tiny_ckpt.pt");
            StateDictFile.Save(net, statePath);
            var dtypes = EveryDType();
            torch.ManualSeed(2024);
            Checkpoint.Save(ckptPath, net, opt, sched, epoch: 3, step: 120, extra: new OrderedDictionary<object, object?>
            {
                ["dtypes"] = dtypes,
                ["name"] = "\u00fcn\u00efcode",
                ["pair"] = (1, "a"),
                ["intkeys"] = new Dictionary<long, string> { [5] = "x" },
                ["big"] = 1L << 40,
            });
            var expectedRand = torch.Rand(4).ToArray<float>();

            var (code, stdout, stderr) = Run(RepoFile("tools/golden/check_load.py"), statePath, ckptPath);
            Assert.True(code == 0, $"check_load.py failed ({code}):\n{stderr}");
            var r = JsonDocument.Parse(stdout).RootElement;

            Assert.Equal("OrderedDict", r.GetProperty("state_type").GetString());
            Assert.Equal("OrderedDict", r.GetProperty("model_type").GetString());
            foreach (var (name, t) in net.NamedParameters().Concat(net.NamedBuffers()))
            {
                var sum = Values(t).Sum();
                Assert.Equal(sum, r.GetProperty("state_sums").GetProperty(name).GetDouble(), 10);
                Assert.Equal(sum, r.GetProperty("model_sums").GetProperty(name).GetDouble(), 10);
                Assert.Equal(s_dtypeNames[t.DType], r.GetProperty("state_dtypes").GetProperty(name).GetString());
            }
            Assert.Equal(["model", "optimizer", "scheduler", "epoch", "step", "rng_state", "extra", "format"],
                r.GetProperty("checkpoint_keys").EnumerateArray().Select(e => e.GetString()!));
            Assert.Equal(Checkpoint.FormatTag, r.GetProperty("format").GetString());
            Assert.Equal(3, r.GetProperty("epoch").GetInt64());
            Assert.Equal(120, r.GetProperty("step").GetInt64());
            Assert.Equal(expectedRand.Select(f => (double)f), r.GetProperty("rand_after_rng_restore").EnumerateArray().Select(e => e.GetDouble()));

            var optimizer = Items(r.GetProperty("optimizer"));
            var state0 = Items(Items(optimizer["state"])["0"]);
            Assert.Equal(3, state0["step"].GetInt64());
            Assert.Equal(opt.Momentum.ToArray<float>().Select(f => (double)f), state0["momentum_buffer"].GetProperty("values").EnumerateArray().Select(e => e.GetDouble()));
            var group = Items(optimizer["param_groups"][0]);
            Assert.Equal(0.125, group["lr"].GetDouble());
            Assert.Equal([0.9, 0.999], group["betas"].GetProperty("tuple").EnumerateArray().Select(e => e.GetDouble()));
            Assert.Equal(JsonValueKind.Null, group["foreach"].ValueKind);
            Assert.Equal(JsonValueKind.False, group["nesterov"].ValueKind);
            Assert.Equal([0L, 1L], group["params"].EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal(2, Items(r.GetProperty("scheduler"))["last_epoch"].GetInt64());

            var extra = Items(r.GetProperty("extra"));
            Assert.Equal("\u00fcn\u00efcode", extra["name"].GetString());
            Assert.Equal(1L << 40, extra["big"].GetInt64());
            Assert.Equal("x", Items(extra["intkeys"])["5"].GetString());
            var pair = extra["pair"].GetProperty("tuple");
            Assert.Equal(1, pair[0].GetInt64());
            Assert.Equal("a", pair[1].GetString());
            var pyDtypes = Items(extra["dtypes"]);
            Assert.Equal(dtypes.Keys, pyDtypes.Keys);
            foreach (var (k, t) in dtypes)
            {
                var py = pyDtypes[k];
                Assert.Equal(s_dtypeNames[t.DType], py.GetProperty("dtype").GetString());
                Assert.Equal(t.Shape, py.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
                Assert.False(py.GetProperty("requires_grad").GetBoolean());
                Assert.Equal(Values(t), py.GetProperty("values").EnumerateArray().Select(JsonDouble));
            }
        });
    }

    [Fact]
    public void Zip64RecordsAreReadByCSharpAndPython()
    {
        Scoped(() =>
        {
            var path = TempPath("zip64.pt");
            var original = EveryDType();
            var saved = TorchArchiveWriter.Zip64Threshold;
            TorchArchiveWriter.Zip64Threshold = 0; // every record and the end of the archive in zip64 form
            try
            {
                StateDictFile.Save(original, path);
            }
            finally
            {
                TorchArchiveWriter.Zip64Threshold = saved;
            }
            var loaded = StateDictFile.Load(path);
            foreach (var (k, t) in original)
                if (t.DType != DType.Int64) Assert.Equal(Values(t), Values(loaded[k]));
            var (code, stdout, stderr) = Run(RepoFile("tools/golden/check_load.py"), "--sums", path);
            Assert.True(code == 0, $"torch.load of a zip64 file failed:\n{stderr}");
            var sums = JsonDocument.Parse(stdout).RootElement;
            foreach (var (k, t) in original)
                if (t.DType is DType.Float32 or DType.Int32 or DType.UInt8)
                    Assert.Equal(Values(t).Sum(), sums.GetProperty(k).GetDouble(), 6);
        });
    }

    /// <summary>A number from check_load.py, which writes non-finite values as Python reprs ("inf", "-inf", "nan").</summary>
    private static double JsonDouble(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : e.GetString() switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.NaN,
    };

    /// <summary>A summarized Python dict (check_load.py) as key text to value.</summary>
    private static OrderedDictionary<string, JsonElement> Items(JsonElement dict)
    {
        var result = new OrderedDictionary<string, JsonElement>();
        foreach (var pair in dict.GetProperty("items").EnumerateArray())
            result[pair[0].ValueKind == JsonValueKind.String ? pair[0].GetString()! : pair[0].GetRawText()] = pair[1];
        return result;
    }

    // --- test components -----------------------------------------------------------------------------------

    /// <summary>A module holding given parameters and buffers (stand-in for layers in these tests).</summary>
    private sealed class Leaf : Module
    {
        public Leaf(params (string Name, Tensor Value, bool Buffer)[] members)
        {
            foreach (var (name, value, buffer) in members)
                if (buffer) RegisterBuffer(name, value);
                else RegisterParameter(name, value);
        }
    }

    /// <summary>Same names and shapes as tools/golden/serial_models.py Tiny (Conv2d(3,4,3), BatchNorm2d(4), Linear(4,2)).</summary>
    private sealed class TinyNet : Module
    {
        public TinyNet(ulong seed)
        {
            using var scope = DisposeScope.Open();
            using var g = new Generator(seed);
            RegisterModule("conv", new Leaf(("weight", torch.Randn([4, 3, 3, 3], g), false), ("bias", torch.Randn([4], g), false)));
            RegisterModule("bn", new Leaf(("weight", torch.Randn([4], g), false), ("bias", torch.Randn([4], g), false),
                ("running_mean", torch.Randn([4], g), true), ("running_var", torch.Rand([4], g) + 0.5, true),
                ("num_batches_tracked", torch.Full([], (double)seed, DType.Int64), true)));
            RegisterModule("fc", new Leaf(("weight", torch.Randn([2, 4], g), false), ("bias", torch.Randn([2], g), false)));
        }
    }

    /// <summary>An optimiser-like IStateful in PyTorch's state-dict layout (the real ones live on branch optim).</summary>
    private sealed class FakeOptimizer : IStateful, IDisposable
    {
        public FakeOptimizer(long step, double lr)
        {
            StepCount = step;
            Lr = lr;
            using var scope = DisposeScope.Open();
            Momentum = (torch.Arange(0, 4, 1, DType.Float32) * lr).DetachFromDisposeScope();
        }

        public long StepCount { get; private set; }
        public double Lr { get; private set; }
        public Tensor Momentum { get; }

        public OrderedDictionary<object, object?> StateDict() => new()
        {
            ["state"] = new OrderedDictionary<object, object?>
            {
                [0L] = new OrderedDictionary<object, object?> { ["step"] = StepCount, ["momentum_buffer"] = Momentum.Detach() },
            },
            ["param_groups"] = new List<object?>
            {
                new OrderedDictionary<object, object?>
                {
                    ["lr"] = Lr, ["betas"] = (0.9, 0.999), ["nesterov"] = false, ["foreach"] = null, ["params"] = new List<object?> { 0L, 1L },
                },
            },
        };

        public void LoadStateDict(IDictionary state)
        {
            var s = (IDictionary)((IDictionary)state["state"]!)[0L]!;
            var group = (IDictionary)((IList)state["param_groups"]!)[0]!;
            StepCount = Convert.ToInt64(s["step"]);
            Lr = Convert.ToDouble(group["lr"]);
            using var noGrad = GradMode.NoGrad();
            Momentum.CopyFrom((Tensor)s["momentum_buffer"]!);
        }

        public void Dispose() => Momentum.Dispose();
    }

    private sealed class FakeScheduler : IStateful
    {
        public long LastEpoch { get; set; }

        public OrderedDictionary<object, object?> StateDict() => new() { ["last_epoch"] = LastEpoch, ["base_lrs"] = new List<object?> { 0.05 } };

        public void LoadStateDict(IDictionary state) => LastEpoch = Convert.ToInt64(state["last_epoch"]);
    }
}
