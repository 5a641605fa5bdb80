using System.Collections;
using MedLearn.Torch.Nn;

namespace MedLearn.Torch.Serialization;

/// <summary>
/// Module weights in PyTorch files: the equivalent of <c>torch.save(model.state_dict(), path)</c> and
/// <c>torch.load(path)</c> for state dicts. Files written here load in Python with
/// <c>model.load_state_dict(torch.load(path))</c> (strict), and Python's state-dict files load here.
/// </summary>
public static class StateDictFile
{
    /// <summary>Writes <paramref name="module"/>'s state dict (persistent parameters and buffers) atomically.</summary>
    public static void Save(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var scope = DisposeScope.Open();
        TorchFile.Save(module.StateDict(), path);
    }

    /// <summary>Writes a name-to-tensor map as a <c>collections.OrderedDict</c>, in enumeration order, atomically.</summary>
    public static void Save(IReadOnlyDictionary<string, Tensor> stateDict, string path)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var ordered = stateDict as OrderedDictionary<string, Tensor> ?? new OrderedDictionary<string, Tensor>(stateDict);
        TorchFile.Save(ordered, path);
    }

    /// <summary>
    /// Reads a state dict (a dict or OrderedDict of name to tensor) in file order. The tensors belong to the
    /// caller's dispose scope.
    /// </summary>
    /// <exception cref="TorchFileException">The file is unreadable or holds something other than a state dict
    /// (e.g. a training checkpoint: load it with <see cref="TorchFile.Load"/> or <see cref="Checkpoint.Load"/>).</exception>
    public static OrderedDictionary<string, Tensor> Load(string path)
    {
        using var scope = DisposeScope.Open();
        var value = TorchFile.Load(path);
        var result = ToStateDict(value, path, "the file");
        foreach (var t in result.Values)
            if (t.Scope == scope) scope.MoveToOuter(t);
        return result;
    }

    /// <summary>Checks that <paramref name="value"/> is a string-to-tensor dictionary and copies it.</summary>
    internal static OrderedDictionary<string, Tensor> ToStateDict(object? value, string path, string what)
    {
        if (value is not IDictionary dict)
            throw new TorchFileException(path, $"{what} holds a {Describe(value)}, not a state dict (a dict of name to tensor)");
        var result = new OrderedDictionary<string, Tensor>();
        var bad = new List<string>();
        foreach (DictionaryEntry e in dict)
        {
            if (e.Key is string k && e.Value is Tensor t) result[k] = t;
            else bad.Add($"{e.Key} ({Describe(e.Value)})");
        }
        if (bad.Count > 0)
            throw new TorchFileException(path, $"{what} is not a state dict: entries {string.Join(", ", bad.Take(6))}{(bad.Count > 6 ? ", ..." : "")} "
                + "are not name-to-tensor; a training checkpoint holds its weights under a key such as 'model' or 'state_dict' "
                + "(use TorchFile.Load or Checkpoint.Load)");
        return result;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        Tensor => "tensor",
        IDictionary => "dict",
        object?[] => "tuple",
        IList => "list",
        _ => value.GetType().Name,
    };
}
