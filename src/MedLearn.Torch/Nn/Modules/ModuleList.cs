using System.Collections;

namespace MedLearn.Torch.Nn;

/// <summary>
/// A list of child modules registered as "0", "1", ... (torch.nn.ModuleList), so their parameters are part of
/// the owner's parameters and state dict. It has no forward of its own.
/// </summary>
public sealed class ModuleList : Module, IEnumerable<Module>
{
    private readonly List<Module> _items = [];

    /// <summary>A list holding <paramref name="modules"/>.</summary>
    public ModuleList(params IEnumerable<Module> modules) => Extend(modules);

    /// <summary>Number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>Appends a module named by its index; returns this.</summary>
    public ModuleList Append(Module module)
    {
        RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    /// <summary>Appends every module; returns this.</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        foreach (var m in modules) Append(m);
        return this;
    }

    /// <summary>The module at <paramref name="index"/> (negative counts from the end); setting replaces (and disposes) it.</summary>
    public Module this[int index]
    {
        get => _items[Index(index)];
        set
        {
            var i = Index(index);
            RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), value);
            _items[i] = value;
        }
    }

    private int Index(int index)
    {
        var i = index < 0 ? index + _items.Count : index;
        if (i < 0 || i >= _items.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"index {index} is out of range for a ModuleList of {_items.Count} modules");
        return i;
    }

    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
