using MedLearn.Torch.Nn;

namespace MedLearn.Export;

/// <summary>
/// Exporter mappings by exact module type (the ONNX and TorchScript exporters each keep one): a later registration for
/// a type replaces the earlier one; lookups and registrations may come from any thread.
/// </summary>
/// <typeparam name="TMapping">The exporter's mapping interface.</typeparam>
internal sealed class ModuleMappingTable<TMapping>(Func<TMapping, IReadOnlyList<Type>> moduleTypes) where TMapping : class
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Type, TMapping> _mappings = [];

    /// <summary>Adds (or replaces) the mapping for each of <paramref name="mapping"/>'s module types.</summary>
    public void Register(TMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        lock (_lock)
            foreach (var type in moduleTypes(mapping))
                _mappings[type] = mapping;
    }

    /// <summary>The mapping for <paramref name="module"/>'s exact type, or null.</summary>
    public TMapping? Find(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        lock (_lock) return _mappings.GetValueOrDefault(module.GetType());
    }
}
