using System.Collections;

namespace MedLearn.Torch.Nn;

/// <summary>Child modules by name in insertion order (torch.nn.ModuleDict). It has no forward of its own.</summary>
public sealed class ModuleDict : Module, IEnumerable<KeyValuePair<string, Module>>
{
    private readonly OrderedDictionary<string, Module> _items = new();

    /// <summary>A dictionary holding <paramref name="modules"/> in order.</summary>
    public ModuleDict(params IEnumerable<(string Name, Module Module)> modules)
    {
        foreach (var (name, m) in modules) this[name] = m;
    }

    /// <summary>Number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>The names in insertion order.</summary>
    public IEnumerable<string> Keys => _items.Keys;

    /// <summary>True when a module is registered under <paramref name="name"/>.</summary>
    public bool ContainsKey(string name) => _items.ContainsKey(name);

    /// <summary>The module named <paramref name="name"/>; setting adds it or replaces (and disposes) the old one in place.</summary>
    public Module this[string name]
    {
        get => _items.TryGetValue(name, out var m) ? m : throw new KeyNotFoundException($"ModuleDict has no module '{name}'; keys: {string.Join(", ", _items.Keys)}");
        set
        {
            RegisterModule(name, value);
            _items[name] = value;
        }
    }

    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
