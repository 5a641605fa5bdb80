using System.Text;
using MedLearn.Torch.Serialization;

namespace MedLearn.Runs;

/// <summary>
/// Serialises an options object to YAML that <see cref="ConfigBinder"/> binds back to an equal object (the
/// resolved configuration of a run, <c>config.resolved.yaml</c>). Every bindable property is written, defaults
/// included, in a stable order (base class first, then declaration order), with kebab-case keys; invariant
/// culture; doubles and floats in shortest round-trip form (<c>.nan</c>, <c>.inf</c>, <c>-.inf</c> for the special
/// values); enums as kebab-case names; strings plain when unambiguous, else double-quoted; null as <c>null</c>;
/// lists in block style (<c>[]</c> when empty); nested objects as indented mappings (<c>{}</c> when they have no
/// properties). Two-space indentation, LF line ends, UTF-8 without BOM.
/// </summary>
public static class ConfigWriter
{
    /// <summary>The YAML text of <paramref name="config"/>.</summary>
    /// <param name="config">An options object (class with public get + set/init properties).</param>
    /// <param name="comment">Optional header, written as '# ' comment lines.</param>
    /// <exception cref="NotSupportedException">A property has a type the binder cannot read back (dictionary, object, ...).</exception>
    public static string ToYaml(object config, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sb = new StringBuilder();
        if (comment is not null)
            foreach (var line in comment.Split('\n'))
                sb.Append("# ").Append(line.TrimEnd('\r')).Append('\n');
        var props = ConfigModel.Properties(config.GetType());
        if (props.Count == 0) sb.Append("{}\n");
        else WriteObject(sb, config, 0);
        return sb.ToString();
    }

    /// <summary>Writes <paramref name="config"/> as YAML to <paramref name="path"/> atomically (temp file + rename).</summary>
    public static void Write(string path, object config, string? comment = null)
    {
        var bytes = new UTF8Encoding(false).GetBytes(ToYaml(config, comment));
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    private static void WriteObject(StringBuilder sb, object obj, int indent)
    {
        foreach (var p in ConfigModel.Properties(obj.GetType()))
        {
            sb.Append(' ', indent).Append(p.Key).Append(':');
            WriteValue(sb, p.Info.PropertyType, p.Info.GetValue(obj), indent);
        }
    }

    /// <summary>Writes the value after "key:" or "-": inline (" value\n") or as an indented block ("\n...").</summary>
    private static void WriteValue(StringBuilder sb, Type declared, object? value, int indent)
    {
        if (value is null) { sb.Append(" null\n"); return; }
        var type = value.GetType();
        switch (ConfigModel.KindOf(declared))
        {
            case ConfigKind.Scalar:
                sb.Append(' ').Append(ConfigScalars.Format(value)).Append('\n');
                return;
            case ConfigKind.Object:
                if (ConfigModel.Properties(type).Count == 0) { sb.Append(" {}\n"); return; }
                sb.Append('\n');
                WriteObject(sb, value, indent + 2);
                return;
            default:
                var elementType = ConfigModel.ElementType(declared)!;
                var items = ((System.Collections.IEnumerable)value).Cast<object?>().ToList();
                if (items.Count == 0) { sb.Append(" []\n"); return; }
                sb.Append('\n');
                foreach (var item in items) WriteItem(sb, elementType, item, indent + 2);
                return;
        }
    }

    /// <summary>A list item: "- value", or "- " followed by the first line of a nested block (the rest indented).</summary>
    private static void WriteItem(StringBuilder sb, Type elementType, object? item, int indent)
    {
        var block = new StringBuilder();
        WriteValue(block, elementType, item, indent);
        var text = block.ToString();
        sb.Append(' ', indent).Append('-');
        if (text.StartsWith('\n'))
        {
            // Nested block: its first line (indented by indent + 2) moves up after the "- ".
            var rest = text[1..];
            sb.Append(' ').Append(rest.AsSpan(indent + 2));
        }
        else sb.Append(text);
    }
}
