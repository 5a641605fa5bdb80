using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// Collects the activations requested from <see cref="IActivationModel.ForwardWithActivations"/> while a model runs
/// its forward pass: the model passes each named intermediate tensor through <see cref="Record"/>.
/// </summary>
public sealed class ActivationCapture
{
    private readonly HashSet<string> _requested;
    private readonly Dictionary<string, Tensor> _activations = [];

    /// <summary>
    /// A capture of <paramref name="requested"/> out of <paramref name="available"/> for the model called
    /// <paramref name="modelName"/> (used in the error message).
    /// </summary>
    /// <exception cref="ArgumentException">A requested name is not available; the message lists the available names.</exception>
    public ActivationCapture(IReadOnlyList<string> available, IReadOnlyCollection<string> requested, string modelName)
    {
        ArgumentNullException.ThrowIfNull(available);
        ArgumentNullException.ThrowIfNull(requested);
        foreach (var name in requested)
            if (!available.Contains(name))
                throw new ArgumentException($"{modelName} has no activation '{name}'; available: {string.Join(", ", available)}");
        _requested = [.. requested];
    }

    /// <summary>The activations recorded so far, by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Activations => _activations;

    /// <summary>
    /// Records <paramref name="x"/> as <paramref name="name"/> when it was requested and returns the tensor the forward
    /// pass continues with: <paramref name="x"/> itself, or a copy of it when recorded (so a later in-place layer cannot
    /// change the recorded tensor; the copy is differentiable, gradients flow back through the recorded tensor).
    /// </summary>
    public Tensor Record(string name, Tensor x)
    {
        if (!_requested.Contains(name)) return x;
        _activations[name] = x;
        return x.Clone();
    }

    /// <summary>
    /// Runs <paramref name="sequential"/> child by child, recording each child's output as
    /// <c>prefix.childName</c>; the result equals <c>sequential.Forward(x)</c>.
    /// </summary>
    public Tensor Run(Sequential sequential, string prefix, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(sequential);
        foreach (var (name, module) in sequential.NamedChildren())
            x = Record(prefix + "." + name, ((Module<Tensor, Tensor>)module).Forward(x));
        return x;
    }

    /// <summary>The names <see cref="Run"/> records for <paramref name="sequential"/>: <c>prefix.childName</c> in order.</summary>
    public static IEnumerable<string> Names(Sequential sequential, string prefix)
    {
        ArgumentNullException.ThrowIfNull(sequential);
        return sequential.NamedChildren().Select(c => prefix + "." + c.Name);
    }
}
