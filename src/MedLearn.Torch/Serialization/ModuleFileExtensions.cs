using MedLearn.Torch.Nn;

namespace MedLearn.Torch.Serialization;

/// <summary>Loading and saving a module's weights from PyTorch state-dict files.</summary>
public static class ModuleFileExtensions
{
    /// <summary>
    /// Loads the state dict in <paramref name="path"/> into <paramref name="module"/> (like Python's
    /// <c>model.load_state_dict(torch.load(path), strict)</c>). The whole file is read and every key and
    /// shape is checked before anything is copied, so on any error the module is unchanged.
    /// </summary>
    /// <returns>The missing and unexpected keys (empty with <paramref name="strict"/>).</returns>
    /// <exception cref="TorchFileException">The file is unreadable or not a state dict.</exception>
    /// <exception cref="StateDictException">Missing/unexpected keys (strict) or shape mismatches; the message names the file.</exception>
    public static StateDictLoadResult LoadStateDictFromFile(this Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var scope = DisposeScope.Open();
        var stateDict = StateDictFile.Load(path);
        try
        {
            return module.LoadStateDict(stateDict, strict);
        }
        catch (StateDictException e)
        {
            throw new StateDictException($"{path}: {e.Message}", e.MissingKeys, e.UnexpectedKeys);
        }
    }

    /// <summary>Writes the module's state dict to <paramref name="path"/> (see <see cref="StateDictFile.Save(Module, string)"/>).</summary>
    public static void SaveStateDictToFile(this Module module, string path) => StateDictFile.Save(module, path);
}
