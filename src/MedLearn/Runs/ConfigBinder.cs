using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MedLearn.Runs;

/// <summary>
/// Binds YAML configuration files onto immutable options classes (records with init-only properties).
/// <para>
/// Keys are the property names in kebab-case or snake_case (<c>learning-rate</c> or <c>learning_rate</c> set
/// <c>LearningRate</c>; see <see cref="ConfigNaming"/>). Values: string, bool, the integer types, float, double,
/// decimal, enums (member name in any case, kebab-case or snake_case), nullable versions of these (<c>~</c>,
/// <c>null</c> or an empty value give null), lists (<c>T[]</c>, <c>List&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c> and
/// the other list interfaces; a list in the file replaces the whole default list) and nested option classes (a
/// mapping applies onto the nested default, key by key; a class created from nothing, e.g. a list element or a
/// nested value whose default is null, needs a public parameterless constructor). Reference types not annotated
/// with '?' reject null.
/// </para>
/// <para>
/// Keys the file does not mention keep the value of the defaults instance, which is never modified (the result is
/// a copy: the record's clone, then init setters through reflection). Every problem is collected and reported at
/// once in a <see cref="ConfigException"/>: unknown keys (with the closest known key), values of the wrong type
/// (naming the key, the expected type, the value), keys given twice, malformed YAML; each with file, line and column.
/// </para>
/// </summary>
public static class ConfigBinder
{
    /// <summary>Reads <paramref name="path"/> onto a fresh <typeparamref name="T"/> (its property defaults).</summary>
    /// <exception cref="ConfigException">The file does not fit <typeparamref name="T"/>, or is not valid YAML.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static T Load<T>(string path) where T : class, new() => Load(path, new T());

    /// <summary>Reads <paramref name="path"/> onto a copy of <paramref name="defaults"/>: keys in the file override.</summary>
    /// <exception cref="ConfigException">The file does not fit <typeparamref name="T"/>, or is not valid YAML.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static T Load<T>(string path, T defaults) where T : class =>
        Parse(File.ReadAllText(path), defaults, path);

    /// <summary>Binds YAML text onto a fresh <typeparamref name="T"/>.</summary>
    /// <param name="yaml">The document.</param>
    /// <param name="source">Name used in error messages (normally the file name).</param>
    public static T Parse<T>(string yaml, string source = "<yaml>") where T : class, new() => Parse(yaml, new T(), source);

    /// <summary>Binds YAML text onto a copy of <paramref name="defaults"/>.</summary>
    /// <param name="yaml">The document; empty or comments only leaves the defaults.</param>
    /// <param name="defaults">Values for the keys the document does not mention (not modified).</param>
    /// <param name="source">Name used in error messages (normally the file name).</param>
    public static T Parse<T>(string yaml, T defaults, string source = "<yaml>") where T : class
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(defaults);
        var root = LoadDocument(yaml, source);
        if (root is null || root is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s && ConfigScalars.IsNullText(s.Value ?? ""))
            return defaults;
        var binder = new Binder(source, positions: true);
        var result = binder.Object(defaults.GetType(), defaults, root, "", null);
        if (binder.Problems.Count > 0) throw new ConfigException(binder.Problems);
        return (T)result!;
    }

    /// <summary>
    /// Applies command-line overrides <c>key.path=value</c> (e.g. <c>optimizer.learning-rate=0.01</c>,
    /// <c>classes=[a, b]</c>) onto a copy of <paramref name="config"/>, in order. The value is YAML (a scalar or a
    /// flow list/mapping); an empty value means null.
    /// </summary>
    /// <exception cref="ConfigException">An assignment has no '=', names an unknown key, or its value has the wrong type.</exception>
    public static T ApplyOverrides<T>(T config, IEnumerable<string> assignments) where T : class
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigProblem>();
        object current = config;
        foreach (var assignment in assignments)
        {
            var source = $"override '{assignment}'";
            var eq = assignment.IndexOf('=');
            var keyPath = eq < 0 ? "" : assignment[..eq].Trim();
            if (eq < 0 || keyPath.Length == 0 || keyPath.Split('.').Any(k => k.Trim().Length == 0))
            {
                problems.Add(new ConfigProblem(source, keyPath, 0, 0, "expected key.path=value"));
                continue;
            }
            YamlNode value;
            var text = assignment[(eq + 1)..];
            try { value = LoadDocument(text, source) ?? new YamlScalarNode(""); }
            catch (ConfigException e) { problems.AddRange(e.Problems.Select(p => p with { Line = 0, Column = 0 })); continue; }
            foreach (var key in keyPath.Split('.').Reverse())
                value = new YamlMappingNode(new YamlScalarNode(key.Trim()), value);
            var binder = new Binder(source, positions: false);
            var next = binder.Object(current.GetType(), current, value, "", null);
            if (binder.Problems.Count > 0) problems.AddRange(binder.Problems);
            else current = next!;
        }
        if (problems.Count > 0) throw new ConfigException(problems);
        return (T)current;
    }

    /// <summary>The single document's root node, null when there is none; YAML syntax errors become a <see cref="ConfigException"/>.</summary>
    private static YamlNode? LoadDocument(string yaml, string source)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e)
        {
            throw new ConfigException([new ConfigProblem(source, "", (int)e.Start.Line, (int)e.Start.Column, $"invalid YAML: {e.Message}")], e);
        }
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            throw new ConfigException([new ConfigProblem(source, "", (int)second.Line, (int)second.Column, "expected one YAML document, found several ('---')")]);
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    private sealed class Binder(string source, bool positions)
    {
        public List<ConfigProblem> Problems { get; } = [];

        private void Problem(YamlNode node, string path, string description)
        {
            var (line, col) = positions ? ((int)node.Start.Line, (int)node.Start.Column) : (0, 0);
            Problems.Add(new ConfigProblem(source, path, line, col, description));
        }

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && ConfigScalars.IsNullText(s.Value ?? "");

        private static string Show(YamlNode node) => node switch
        {
            YamlScalarNode s => $"'{s.Value}'",
            YamlSequenceNode => "a list",
            YamlMappingNode => "a mapping",
            _ => node.NodeType.ToString(),
        };

        private static string Describe(string path) => path.Length == 0 ? "the document" : $"'{path}'";

        /// <summary>Applies mapping <paramref name="node"/> onto a copy of <paramref name="existing"/> (or a new instance).</summary>
        public object? Object(Type type, object? existing, YamlNode node, string path, NullabilityInfo? nullability)
        {
            if (IsNull(node))
            {
                if (ConfigModel.AllowsNull(type, nullability)) return null;
                Problem(node, path, $"{Describe(path)} expects a mapping ({ConfigModel.TypeName(type)}), got null");
                return existing;
            }
            if (node is not YamlMappingNode map)
            {
                Problem(node, path, $"{Describe(path)} expects a mapping of keys ({ConfigModel.TypeName(type)}), got {Show(node)}");
                return existing;
            }
            object instance;
            if (existing is not null) instance = ConfigModel.Clone(existing);
            else
            {
                if (type.GetConstructor(Type.EmptyTypes) is null)
                {
                    Problem(node, path, $"{Describe(path)}: {ConfigModel.TypeName(type)} has no default value and no parameterless constructor to create one");
                    return null;
                }
                instance = Activator.CreateInstance(type)!;
            }
            var props = ConfigModel.Properties(instance.GetType());
            var seen = new Dictionary<ConfigProperty, YamlNode>();
            foreach (var (keyNode, valueNode) in map.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key })
                {
                    Problem(keyNode, path, $"{Describe(path)}: keys must be plain names, got {Show(keyNode)}");
                    continue;
                }
                var childPath = path.Length == 0 ? key : $"{path}.{key}";
                var prop = props.FirstOrDefault(p => p.Accepts(key));
                if (prop is null)
                {
                    var closest = ConfigNaming.Closest(key, props.Select(p => p.Key));
                    var nested = closest is null ? FindNested(instance.GetType(), key, path, 3) : null;
                    var hint = closest is not null ? $" (did you mean '{(path.Length == 0 ? closest : $"{path}.{closest}")}'?)"
                        : nested is not null ? $" (did you mean '{nested}'?)"
                        : props.Count > 0 ? $" (known keys{(path.Length == 0 ? "" : $" of '{path}'")}: {string.Join(", ", props.Select(p => p.Key))})" : "";
                    Problem(keyNode, childPath, $"unknown key '{childPath}'{hint}");
                    continue;
                }
                if (seen.TryGetValue(prop, out var first))
                {
                    Problem(keyNode, childPath, $"'{childPath}' is given twice (first at line {first.Start.Line})");
                    continue;
                }
                seen[prop] = keyNode;
                var before = Problems.Count;
                var value = Value(prop.Info.PropertyType, prop.Info.GetValue(instance), valueNode, childPath, prop.Nullability);
                if (Problems.Count == before) prop.Info.SetValue(instance, value);
            }
            return instance;
        }

        /// <summary>The full path of a key of that name in a nested option class (breadth first, up to <paramref name="depth"/> levels), or null.</summary>
        private static string? FindNested(Type type, string key, string path, int depth)
        {
            var level = new List<(Type Type, string Path)> { (type, path) };
            for (var d = 0; d < depth && level.Count > 0; d++)
            {
                var next = new List<(Type, string)>();
                foreach (var (t, p) in level)
                    foreach (var prop in ConfigModel.Properties(t).Where(x => ConfigModel.KindOf(x.Info.PropertyType) == ConfigKind.Object))
                    {
                        var childPath = p.Length == 0 ? prop.Key : $"{p}.{prop.Key}";
                        var inner = ConfigModel.Properties(prop.Info.PropertyType).FirstOrDefault(x => x.Accepts(key));
                        if (inner is not null) return $"{childPath}.{inner.Key}";
                        next.Add((prop.Info.PropertyType, childPath));
                    }
                level = next;
            }
            return null;
        }

        private object? Value(Type type, object? current, YamlNode node, string path, NullabilityInfo? nullability)
        {
            switch (ConfigModel.KindOf(type))
            {
                case ConfigKind.Object:
                    return Object(type, current, node, path, nullability);
                case ConfigKind.List:
                    return List(type, node, path, nullability);
                default:
                    return Scalar(type, node, path, nullability);
            }
        }

        private object? List(Type type, YamlNode node, string path, NullabilityInfo? nullability)
        {
            var elementType = ConfigModel.ElementType(type)!;
            if (IsNull(node))
            {
                if (ConfigModel.AllowsNull(type, nullability)) return null;
                Problem(node, path, $"'{path}' expects a list of {ConfigModel.TypeName(elementType)}, got null (use [] for an empty list)");
                return null;
            }
            if (node is not YamlSequenceNode seq)
            {
                Problem(node, path, $"'{path}' expects a list of {ConfigModel.TypeName(elementType)}, got {Show(node)}");
                return null;
            }
            var elementNullability = ConfigModel.ElementNullability(nullability);
            var items = new List<object?>(seq.Children.Count);
            for (var i = 0; i < seq.Children.Count; i++)
                items.Add(Value(elementType, null, seq.Children[i], $"{path}[{i}]", elementNullability));
            return ConfigModel.MakeList(type, elementType, items);
        }

        private object? Scalar(Type type, YamlNode node, string path, NullabilityInfo? nullability)
        {
            if (IsNull(node))
            {
                if (ConfigModel.AllowsNull(type, nullability)) return null;
                Problem(node, path, $"'{path}' expects {ConfigScalars.Expectation(type)}, got null");
                return null;
            }
            if (node is not YamlScalarNode { Value: { } text })
            {
                Problem(node, path, $"'{path}' expects {ConfigScalars.Expectation(type)}, got {Show(node)}");
                return null;
            }
            if (ConfigScalars.TryParse(type, text, out var value, out var detail)) return value;
            Problem(node, path, $"'{path}' expects {ConfigScalars.Expectation(type)}, got '{text}'{(detail is null ? "" : $": {detail}")}");
            return null;
        }
    }
}
