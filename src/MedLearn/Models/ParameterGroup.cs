using MedLearn.Torch;

namespace MedLearn.Models;

/// <summary>
/// Parameters that train with one learning rate, as assigned by <see cref="ParameterGroups.ByPattern"/>.
/// </summary>
/// <param name="Pattern">The glob pattern that selected them, or null for the default group.</param>
/// <param name="Lr">Their learning rate.</param>
/// <param name="Names">Their dotted names, in the module's parameter order.</param>
/// <param name="Parameters">The parameters (owned by the module), in the same order as <paramref name="Names"/>.</param>
public sealed record ParameterGroup(string? Pattern, double Lr, IReadOnlyList<string> Names, IReadOnlyList<Tensor> Parameters);
