using MedLearn.Torch;
using MedLearn.Torch.Jit;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.TorchScript;

/// <summary>
/// Writes a MedLearn network as a TorchScript module from its module graph, through libtorch's C++ API (no Python):
/// every module becomes a scripted module of its own class (<c>__torch__.medlearn.&lt;Type&gt;_&lt;n&gt;</c>) holding its
/// parameters, buffers and children under their MedLearn names, so <c>scripted.state_dict()</c> has exactly the keys of
/// the checkpoint; its forward is the TorchScript source the <see cref="ITorchScriptModuleMapping"/> registered for its
/// type writes (<see cref="TorchScriptModuleMappings"/>), compiled by libtorch. The forward is the evaluation-mode pass
/// (batch norms use running statistics, dropout disappears). Python loads the file with <c>torch.jit.load</c>; C++ with
/// <c>torch::jit::load</c>.
/// </summary>
public static class TorchScriptExporter
{
    /// <summary>Name of the archive's extra file holding the metadata (a JSON object of strings).</summary>
    public const string MetadataFile = "medlearn.json";

    /// <summary>The scripted module of <paramref name="model"/> (switched to evaluation mode); the caller disposes it.</summary>
    /// <exception cref="TorchScriptExportException">A module has no mapping or an unsupported configuration (names type and path).</exception>
    public static ScriptModule Build(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Eval();
        var counter = 0;
        using (GradMode.NoGrad())
        {
            var scripted = Build(model, "", ref counter);
            scripted.Eval();
            return scripted;
        }
    }

    /// <summary>
    /// Writes the TorchScript module of <paramref name="model"/> to <paramref name="path"/> atomically (temporary file +
    /// rename; nothing is written on error), with <paramref name="metadata"/> as the extra file <see cref="MetadataFile"/>.
    /// </summary>
    /// <exception cref="TorchScriptExportException">A module has no mapping or an unsupported configuration (names type and path).</exception>
    /// <exception cref="IOException">The file cannot be written (names it).</exception>
    public static void Export(Module model, string path, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(metadata);
        using var scripted = Build(model);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var json = System.Text.Json.JsonSerializer.Serialize(metadata.ToDictionary(m => m.Key, m => m.Value));
            try
            {
                scripted.Save(temp, [new(MetadataFile, json)]);
            }
            catch (TorchException e)
            {
                throw new IOException($"{full}: cannot write the TorchScript file: {e.Message}", e);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static ScriptModule Build(Module module, string path, ref int counter)
    {
        var mapping = TorchScriptModuleMappings.Find(module)
            ?? throw new TorchScriptExportException(
                $"cannot export '{module.TypeName}' at '{(path.Length == 0 ? "(the model itself)" : path)}' to TorchScript: no TorchScript mapping for module type {module.GetType().FullName}; register one with TorchScriptModuleMappings.Register");
        // Children first: a module's forward compiles against its children's compiled classes.
        var children = new List<(string Name, ScriptModule Module)>();
        var scripted = ScriptModule.Create($"__torch__.medlearn.{ClassName(module)}_{counter++}");
        try
        {
            foreach (var (name, child) in module.NamedChildren())
                children.Add((name, Build(child, Join(path, name), ref counter)));
            foreach (var (name, p) in module.NamedParameters(recurse: false)) scripted.RegisterParameter(name, p);
            foreach (var (name, b) in module.NamedBuffers(recurse: false)) scripted.RegisterBuffer(name, b, module.IsPersistentBuffer(name));
            foreach (var (name, child) in children) scripted.RegisterModule(name, child);
            var source = mapping.Forward(module, path);
            if (source.Length == 0) return scripted; // a container: its parent calls the children
            try
            {
                scripted.Define(source);
            }
            catch (TorchException e)
            {
                throw new TorchScriptExportException(
                    $"cannot export '{module.TypeName}' at '{(path.Length == 0 ? "(the model itself)" : path)}' to TorchScript: its forward source did not compile: {e.Message}\nsource:\n{source}");
            }
            return scripted;
        }
        catch
        {
            scripted.Dispose();
            throw;
        }
        finally
        {
            foreach (var (_, child) in children) child.Dispose();
        }
    }

    private static string ClassName(Module module) =>
        new(module.GetType().Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
