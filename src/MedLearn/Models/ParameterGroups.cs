using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;

namespace MedLearn.Models;

/// <summary>
/// Learning rates per part of a model (e.g. the head at 10x the backbone) as optimiser parameter groups:
/// <code>
/// var groups = ParameterGroups.ByPattern(model, defaultLr: 1e-3, ("fc.*", 1e-2));
/// using var sgd = new SGD(groups.ToSgd(), lr: 1e-3, momentum: 0.9);   // or new AdamW(groups.ToAdam(), ...)
/// </code>
/// </summary>
public static class ParameterGroups
{
    /// <summary>
    /// Splits the trainable parameters of <paramref name="module"/> by name. Each parameter goes to the group of
    /// the first rule whose glob pattern matches its dotted name (see <see cref="ParameterFreezing.Matches"/>:
    /// <c>*</c> any run of characters, <c>?</c> one character, matched against the whole name, so the head of a
    /// ResNet is <c>"fc.*"</c>), or to the default group (<paramref name="defaultLr"/>) when no rule matches.
    /// Frozen parameters (<c>RequiresGrad == false</c>) are left out. Every trainable parameter is in exactly one
    /// group. Groups are returned in rule order with the default group last; groups left without parameters
    /// (everything they match is frozen or taken by an earlier rule) are omitted.
    /// </summary>
    /// <exception cref="ArgumentException">A pattern is empty or matches no parameter of the module at all (frozen
    /// or not; usually a typo such as "head.*" for a model whose head is "fc"), or a learning rate is negative or not finite.</exception>
    public static IReadOnlyList<ParameterGroup> ByPattern(Module module, double defaultLr, params IEnumerable<(string Pattern, double Lr)> rules)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(rules);
        CheckLr(defaultLr, nameof(defaultLr));
        var ruleList = rules.ToList();
        foreach (var (pattern, lr) in ruleList)
        {
            if (string.IsNullOrEmpty(pattern)) throw new ArgumentException("a parameter-group pattern is empty", nameof(rules));
            CheckLr(lr, nameof(rules));
        }

        var all = module.NamedParameters().ToList();
        var unmatched = ruleList.Where(r => !all.Any(p => ParameterFreezing.Matches(p.Name, r.Pattern))).Select(r => r.Pattern).ToList();
        if (unmatched.Count > 0)
            throw new ArgumentException($"parameter-group pattern(s) {string.Join(", ", unmatched.Select(p => $"'{p}'"))} match no parameter of {module.TypeName} "
                + $"(patterns are globs over whole dotted names; first names: {string.Join(", ", all.Take(3).Select(p => p.Name))}, ..., {all.LastOrDefault().Name})", nameof(rules));

        var names = new List<string>[ruleList.Count + 1];
        var tensors = new List<MedLearn.Torch.Tensor>[ruleList.Count + 1];
        for (var i = 0; i <= ruleList.Count; i++) (names[i], tensors[i]) = ([], []);
        foreach (var (name, p) in all)
        {
            if (!p.RequiresGrad) continue;
            var i = ruleList.FindIndex(r => ParameterFreezing.Matches(name, r.Pattern));
            if (i < 0) i = ruleList.Count;
            names[i].Add(name);
            tensors[i].Add(p);
        }
        var result = new List<ParameterGroup>();
        for (var i = 0; i <= ruleList.Count; i++)
        {
            if (names[i].Count == 0) continue;
            result.Add(i < ruleList.Count
                ? new ParameterGroup(ruleList[i].Pattern, ruleList[i].Lr, names[i], tensors[i])
                : new ParameterGroup(null, defaultLr, names[i], tensors[i]));
        }
        return result;
    }

    /// <summary>The groups as <see cref="SGD"/> parameter groups (each with its <c>Lr</c> set; the other
    /// hyperparameters take the optimiser's defaults).</summary>
    public static IReadOnlyList<SgdParamGroup> ToSgd(this IEnumerable<ParameterGroup> groups) =>
        [.. groups.Select(g => new SgdParamGroup(g.Parameters) { Lr = g.Lr })];

    /// <summary>The groups as <see cref="Adam"/> / <see cref="AdamW"/> parameter groups (each with its <c>Lr</c>
    /// set; the other hyperparameters take the optimiser's defaults).</summary>
    public static IReadOnlyList<AdamParamGroup> ToAdam(this IEnumerable<ParameterGroup> groups) =>
        [.. groups.Select(g => new AdamParamGroup(g.Parameters) { Lr = g.Lr })];

    private static void CheckLr(double lr, string name)
    {
        if (!(lr >= 0) || double.IsInfinity(lr)) throw new ArgumentException($"learning rate {lr} must be finite and >= 0", name);
    }
}
