using System.Text.Json;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>
/// Runs one torchvision oracle script of tools/golden once into a fresh temp folder (the state dicts it writes are too
/// large to check in) and reads the golden JSON it leaves there; the folder is deleted on dispose. The fixtures of
/// <see cref="ModelOracle"/>, <see cref="ZooCnnOracle"/> and <see cref="ZooVitOracle"/> differ only in script and file.
/// </summary>
public abstract class TorchvisionOracle : IDisposable
{
    private readonly JsonDocument _doc;

    /// <summary>Runs tools/golden/<paramref name="script"/> with <c>--out DIR</c> and parses DIR/<paramref name="json"/>.</summary>
    protected TorchvisionOracle(string script, string json)
    {
        Directory = Path.Combine(Path.GetTempPath(), "medlearn-" + Path.GetFileNameWithoutExtension(script) + "-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/" + script), null, "--out", Directory);
        if (code != 0) throw new InvalidOperationException($"{script} failed ({code}):\n{stdout}\n{stderr}");
        _doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, json)));
    }

    /// <summary>The temp folder with the .pt files.</summary>
    public string Directory { get; }

    /// <summary>A file the script wrote, e.g. "vit_b_16.pt".</summary>
    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>A tensor of the JSON (in the current dispose scope): float32, or int64 when its dtype says so.</summary>
    public Tensor Tensor(string name)
    {
        var e = _doc.RootElement.GetProperty("tensors").GetProperty(name);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        if (e.TryGetProperty("dtype", out var dtype) && dtype.GetString() == "int64")
            return torch.FromSpan<long>(e.GetProperty("data").EnumerateArray().Select(x => x.GetInt64()).ToArray(), shape);
        var data = e.GetProperty("data").EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
        return torch.FromSpan<float>(data, shape);
    }

    /// <summary>A value of the JSON.</summary>
    public JsonElement Value(string name) => _doc.RootElement.GetProperty("values").GetProperty(name);

    /// <inheritdoc/>
    public void Dispose()
    {
        _doc.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
