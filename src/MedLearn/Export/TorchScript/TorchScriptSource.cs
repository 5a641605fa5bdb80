using System.Globalization;
using System.Text;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.TorchScript;

/// <summary>Helpers for writing TorchScript source: member access, child calls, literals and the forward header.</summary>
public static class TorchScriptSource
{
    /// <summary>The header every module's forward shares (one tensor in, one tensor out).</summary>
    public const string ForwardHeader = "def forward(self, x: Tensor) -> Tensor:";

    /// <summary><c>def forward(self, x: Tensor) -> Tensor:</c> followed by <paramref name="lines"/>, each indented.</summary>
    public static string ForwardDef(params IEnumerable<string> lines) => Method(ForwardHeader, lines);

    /// <summary><paramref name="header"/> followed by <paramref name="lines"/>, each indented by four spaces.</summary>
    public static string Method(string header, IEnumerable<string> lines)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (var line in lines) sb.Append("    ").Append(line).Append('\n');
        return sb.ToString();
    }

    /// <summary><c>self.name</c>, or <c>getattr(self, "0")</c> for a name that is not an identifier (Sequential's children).</summary>
    public static string Member(string name) => IsIdentifier(name) ? "self." + name : $"getattr(self, \"{name}\")";

    /// <summary>The member <paramref name="name"/> if <paramref name="tensor"/> is present, else <c>None</c> (e.g. an absent bias).</summary>
    public static string Optional(string name, Tensor? tensor) => tensor is null ? "None" : Member(name);

    /// <summary><c>self.child.forward(arg)</c>.</summary>
    public static string Call(string child, string arg) => $"{Member(child)}.forward({arg})";

    /// <summary>A list literal <c>[1, 2]</c>.</summary>
    public static string Ints(IEnumerable<long> values) => "[" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>A float literal that round-trips <paramref name="value"/> (always with a '.' or an exponent).</summary>
    public static string Float(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "TorchScript source needs a finite float");
        var s = value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
        return s.Contains('.') || s.Contains('e') ? s : s + ".0";
    }

    /// <summary><c>True</c> or <c>False</c>.</summary>
    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>A double-quoted string literal.</summary>
    public static string String(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>Whether <paramref name="module"/> has the direct child <paramref name="name"/>.</summary>
    public static bool HasChild(Module module, string name) =>
        module.NamedChildren().Any(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>Lines that feed <c>x</c> through every child of <paramref name="module"/> in registration order.</summary>
    public static IEnumerable<string> ChainLines(Module module) =>
        module.NamedChildren().Select(c => $"x = {Call(c.Name, "x")}");

    /// <summary><paramref name="values"/> repeated to <paramref name="n"/> entries when it has one (PyTorch's int-or-tuple arguments).</summary>
    public static long[] Expand(IReadOnlyList<long> values, int n) =>
        values.Count == n ? [.. values] : values.Count == 1 ? Enumerable.Repeat(values[0], n).ToArray()
            : throw new ArgumentException($"expected 1 or {n} values, got {values.Count}");

    /// <summary>Throws <see cref="TorchScriptExportException"/> naming the module type and path unless <paramref name="condition"/>.</summary>
    public static void Require(bool condition, Module module, string path, string what)
    {
        if (!condition)
            throw new TorchScriptExportException($"cannot export '{module?.TypeName}' at '{(path.Length == 0 ? "(the model itself)" : path)}' to TorchScript: {what}");
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
