using System.Text.Json;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>
/// Runs tools/golden/gen_data_zoo_cnn.py once into a temp folder (torchvision's EfficientNet, MobileNetV3, RegNetY and
/// Inception-v3 state dicts are too large to check in) and reads its zoo_cnn.json. Shared by the classes of <see cref="Collection"/>.
/// </summary>
public sealed class ZooCnnOracle : IDisposable
{
    /// <summary>Name of the xunit collection whose classes share one oracle run.</summary>
    public const string Collection = "torchvision CNN zoo oracle";

    /// <summary>The seed the script sets right before the training step's forward pass.</summary>
    public const ulong TrainSeed = 1234;

    private readonly JsonDocument _doc;

    /// <summary>Generates the oracle data (~20 s).</summary>
    public ZooCnnOracle()
    {
        Directory = Path.Combine(Path.GetTempPath(), "medlearn-zoo-cnn-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/gen_data_zoo_cnn.py"), null, "--out", Directory);
        if (code != 0) throw new InvalidOperationException($"gen_data_zoo_cnn.py failed ({code}):\n{stdout}\n{stderr}");
        _doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "zoo_cnn.json")));
    }

    /// <summary>The temp folder with the .pt files.</summary>
    public string Directory { get; }

    /// <summary>A file of the temp folder.</summary>
    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>A float32 tensor of zoo_cnn.json (in the current dispose scope); int64 tensors keep their dtype.</summary>
    public Tensor Tensor(string name)
    {
        var e = _doc.RootElement.GetProperty("tensors").GetProperty(name);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        if (e.GetProperty("dtype").GetString() == "int64")
            return torch.FromSpan<long>(e.GetProperty("data").EnumerateArray().Select(x => x.GetInt64()).ToArray(), shape);
        var data = e.GetProperty("data").EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
        return torch.FromSpan<float>(data, shape);
    }

    /// <summary>A value of zoo_cnn.json.</summary>
    public JsonElement Value(string name) => _doc.RootElement.GetProperty("values").GetProperty(name);

    /// <inheritdoc/>
    public void Dispose()
    {
        _doc.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>The xunit collection that shares one <see cref="ZooCnnOracle"/>.</summary>
[CollectionDefinition(ZooCnnOracle.Collection)]
public sealed class ZooCnnOracleCollection : ICollectionFixture<ZooCnnOracle>;
