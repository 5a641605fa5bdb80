using System.Text.Json;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>
/// Runs tools/golden/gen_data_models.py once into a temp folder (the torchvision state dicts are too large to
/// check in) and reads its models.json: the input, torchvision's eval-mode logits, state-dict keys, parameter counts.
/// Shared by every test class of the <see cref="Collection"/> collection (the script runs once).
/// </summary>
public sealed class ModelOracle : IDisposable
{
    /// <summary>Name of the xunit collection whose classes share one oracle run.</summary>
    public const string Collection = "torchvision model oracle";

    private readonly JsonDocument _doc;

    /// <summary>Generates the oracle data (a few seconds).</summary>
    public ModelOracle()
    {
        Directory = Path.Combine(Path.GetTempPath(), "medlearn-models-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/gen_data_models.py"), null, "--out", Directory);
        if (code != 0) throw new InvalidOperationException($"gen_data_models.py failed ({code}):\n{stdout}\n{stderr}");
        _doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "models.json")));
    }

    /// <summary>The temp folder with the .pt files.</summary>
    public string Directory { get; }

    /// <summary>The state dict file torchvision saved for <paramref name="model"/>.</summary>
    public string StateDictPath(string model) => Path.Combine(Directory, model + ".pt");

    /// <summary>A float32 tensor of models.json (in the current dispose scope).</summary>
    public Tensor Tensor(string name)
    {
        var e = _doc.RootElement.GetProperty("tensors").GetProperty(name);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var data = e.GetProperty("data").EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
        return torch.FromSpan<float>(data, shape);
    }

    /// <summary>A value of models.json.</summary>
    public JsonElement Value(string name) => _doc.RootElement.GetProperty("values").GetProperty(name);

    /// <inheritdoc/>
    public void Dispose()
    {
        _doc.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>The xunit collection that shares one <see cref="ModelOracle"/>.</summary>
[CollectionDefinition(ModelOracle.Collection)]
public sealed class ModelOracleCollection : ICollectionFixture<ModelOracle>;
