using System.Text.Json;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>
/// Runs tools/golden/zoo_vit_oracle.py once into a temp folder (ConvNeXt-Tiny, ViT-B/16 at 64 px and Swin-T state dicts,
/// ~560 MB, are not checked in) and reads its zoo_vit.json. Shared by the <see cref="Collection"/> collection.
/// </summary>
public sealed class ZooVitOracle : IDisposable
{
    /// <summary>Name of the xunit collection whose classes share one oracle run.</summary>
    public const string Collection = "torchvision transformer-zoo oracle";

    private readonly JsonDocument _doc;

    /// <summary>Generates the oracle data.</summary>
    public ZooVitOracle()
    {
        Directory = Path.Combine(Path.GetTempPath(), "medlearn-zoo-vit-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/zoo_vit_oracle.py"), null, "--out", Directory);
        if (code != 0) throw new InvalidOperationException($"zoo_vit_oracle.py failed ({code}):\n{stdout}\n{stderr}");
        _doc = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(Directory, "zoo_vit.json")));
    }

    /// <summary>The temp folder with the .pt files.</summary>
    public string Directory { get; }

    /// <summary>A file the script wrote, e.g. "vit_b_16.pt".</summary>
    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>A tensor of zoo_vit.json as float32 (in the current dispose scope).</summary>
    public Tensor Tensor(string name)
    {
        var e = _doc.RootElement.GetProperty("tensors").GetProperty(name);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var data = e.GetProperty("data").EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
        return torch.FromSpan<float>(data, shape);
    }

    /// <summary>A value of zoo_vit.json.</summary>
    public JsonElement Value(string name) => _doc.RootElement.GetProperty("values").GetProperty(name);

    /// <inheritdoc/>
    public void Dispose()
    {
        _doc.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>The xunit collection that shares one <see cref="ZooVitOracle"/>.</summary>
[CollectionDefinition(ZooVitOracle.Collection)]
public sealed class ZooVitOracleCollection : ICollectionFixture<ZooVitOracle>;
