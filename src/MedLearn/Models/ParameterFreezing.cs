using System.Text.RegularExpressions;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>Freezing and unfreezing parameters by name pattern (e.g. everything but the head for linear probing).</summary>
public static class ParameterFreezing
{
    /// <summary>
    /// Sets <c>RequiresGrad = false</c> on every parameter whose dotted name matches <paramref name="pattern"/>
    /// (a glob over the whole name: <c>*</c> is any run of characters including dots, <c>?</c> one character;
    /// e.g. <c>"layer1.*"</c>, <c>"*.bn?.*"</c>, <c>"*"</c>). Returns the number of parameters matched.
    /// </summary>
    public static int Freeze(this Module module, string pattern) => SetRequiresGrad(module, pattern, false);

    /// <summary>Sets <c>RequiresGrad = true</c> on the parameters matching <paramref name="pattern"/> (see <see cref="Freeze"/>).</summary>
    public static int Unfreeze(this Module module, string pattern) => SetRequiresGrad(module, pattern, true);

    /// <summary>Whether a dotted parameter name matches a glob pattern (see <see cref="Freeze"/>).</summary>
    public static bool Matches(string name, string pattern)
    {
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(name, regex, RegexOptions.CultureInvariant);
    }

    private static int SetRequiresGrad(Module module, string pattern, bool requiresGrad)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var count = 0;
        foreach (var (name, p) in module.NamedParameters())
        {
            if (!Matches(name, pattern)) continue;
            if (p.RequiresGrad != requiresGrad) p.RequiresGrad = requiresGrad;
            count++;
        }
        return count;
    }
}
