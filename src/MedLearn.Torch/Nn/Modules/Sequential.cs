using System.Collections;

namespace MedLearn.Torch.Nn;

/// <summary>
/// Chains modules: Forward feeds each output to the next (torch.nn.Sequential). Children are named "0", "1",
/// ... in order (or given names), so state-dict keys are PyTorch's ("0.weight", "1.running_mean").
/// Intermediate results belong to the caller's dispose scope (autograd needs them for backward).
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>, IEnumerable<Module<Tensor, Tensor>>
{
    private readonly List<(string Name, Module<Tensor, Tensor> Module)> _layers = [];

    /// <summary>An empty chain (its forward returns the input).</summary>
    public Sequential() { }

    /// <summary>A chain of <paramref name="modules"/> named "0", "1", ...</summary>
    public Sequential(params IEnumerable<Module<Tensor, Tensor>> modules)
    {
        foreach (var m in modules) Append(m);
    }

    /// <summary>A chain of named modules (PyTorch's OrderedDict form).</summary>
    public Sequential(params IEnumerable<(string Name, Module<Tensor, Tensor> Module)> modules)
    {
        foreach (var (name, m) in modules) Add(name, m);
    }

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>Appends <paramref name="module"/> under the name of its index; returns this.</summary>
    public Sequential Append(Module<Tensor, Tensor> module) => Add(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);

    /// <summary>Appends <paramref name="module"/> under <paramref name="name"/> (unique); returns this.</summary>
    public Sequential Add(string name, Module<Tensor, Tensor> module)
    {
        if (_layers.Any(l => l.Name == name)) throw new ArgumentException($"Sequential already has a module named '{name}'", nameof(name));
        RegisterModule(name, module);
        _layers.Add((name, module));
        return this;
    }

    /// <summary>The layer at <paramref name="index"/> (negative counts from the end); setting replaces (and disposes) it.</summary>
    public Module<Tensor, Tensor> this[int index]
    {
        get => _layers[Index(index)].Module;
        set
        {
            var i = Index(index);
            RegisterModule(_layers[i].Name, value);
            _layers[i] = (_layers[i].Name, value);
        }
    }

    private int Index(int index)
    {
        var i = index < 0 ? index + _layers.Count : index;
        if (i < 0 || i >= _layers.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"index {index} is out of range for a Sequential of {_layers.Count} modules");
        return i;
    }

    /// <summary>Runs the layers in order; an empty Sequential returns its input (a new handle).</summary>
    public override Tensor Forward(Tensor input)
    {
        // Each layer's output is released once the next layer has consumed it (ForwardRelease).
        var x = input.Alias();
        foreach (var (_, m) in _layers) x = m.ForwardReleasing(x);
        return x;
    }

    /// <inheritdoc/>
    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() => _layers.Select(l => l.Module).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
