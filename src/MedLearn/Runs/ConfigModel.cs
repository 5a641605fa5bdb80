using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Reflection;

namespace MedLearn.Runs;

/// <summary>The shape of a configuration value as the binder and writer see it.</summary>
internal enum ConfigKind
{
    /// <summary>string, bool, an integer or floating-point primitive, decimal or an enum (or a nullable of these).</summary>
    Scalar,
    /// <summary>T[], List&lt;T&gt;, or IEnumerable/IReadOnlyList/IReadOnlyCollection/IList/ICollection of T.</summary>
    List,
    /// <summary>A class whose public read/write (or init) properties are its keys.</summary>
    Object,
}

/// <summary>A bindable property: public getter, public set or init accessor, not an indexer.</summary>
internal sealed record ConfigProperty(PropertyInfo Info, string Key, NullabilityInfo Nullability)
{
    /// <summary>Other accepted keys (<see cref="ConfigAliasAttribute"/>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>True when <paramref name="key"/> names this property by its key or an alias.</summary>
    public bool Accepts(string key) => ConfigNaming.Matches(key, Key) || Aliases.Any(a => ConfigNaming.Matches(key, a));
}

/// <summary>
/// Reflection over configuration types (cached per type): their bindable properties in a stable order (base class
/// first, then declaration order) and the kind of each value type. Unsupported types (dictionaries, structs other
/// than primitives, interfaces other than the list ones, object) are a <see cref="NotSupportedException"/>: a
/// programming error, not a configuration-file error.
/// </summary>
internal static class ConfigModel
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<ConfigProperty>> Cache = new();
    private static readonly NullabilityInfoContext NullabilityContext = new();
    private static readonly object NullabilityLock = new();

    private static readonly HashSet<Type> ScalarTypes =
    [
        typeof(string), typeof(bool), typeof(int), typeof(long), typeof(short), typeof(sbyte), typeof(byte), typeof(uint),
        typeof(ulong), typeof(ushort), typeof(float), typeof(double), typeof(decimal),
    ];

    private static readonly HashSet<Type> ListInterfaces =
    [
        typeof(IEnumerable<>), typeof(IReadOnlyList<>), typeof(IReadOnlyCollection<>), typeof(IList<>), typeof(ICollection<>),
    ];

    /// <summary>The bindable properties of <paramref name="type"/>, base class first, each class in declaration order.</summary>
    public static IReadOnlyList<ConfigProperty> Properties(Type type) => Cache.GetOrAdd(type, Build);

    /// <summary>Classifies <paramref name="type"/> (nullable value types by their underlying type).</summary>
    public static ConfigKind KindOf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (ScalarTypes.Contains(t) || t.IsEnum) return ConfigKind.Scalar;
        if (ElementType(t) is not null) return ConfigKind.List;
        if (t.IsClass && !t.IsAbstract && t != typeof(object) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(t) && !typeof(Delegate).IsAssignableFrom(t))
            return ConfigKind.Object;
        throw new NotSupportedException($"configuration values of type {t} are not supported (use scalars, enums, lists or classes of these)");
    }

    /// <summary>The element type of a supported list type, or null.</summary>
    public static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetArrayRank() == 1 ? type.GetElementType() : null;
        if (!type.IsGenericType) return null;
        var def = type.GetGenericTypeDefinition();
        return def == typeof(List<>) || ListInterfaces.Contains(def) ? type.GetGenericArguments()[0] : null;
    }

    /// <summary>Builds a value of list type <paramref name="listType"/> holding <paramref name="items"/>.</summary>
    public static object MakeList(Type listType, Type elementType, IReadOnlyList<object?> items)
    {
        var array = Array.CreateInstance(elementType, items.Count);
        for (var i = 0; i < items.Count; i++) array.SetValue(items[i], i);
        if (listType.IsArray) return array;
        if (listType.GetGenericTypeDefinition() == typeof(List<>))
            return Activator.CreateInstance(listType, array)!;
        // Interface types get a read-only wrapper: configuration values are immutable.
        return Activator.CreateInstance(typeof(ReadOnlyCollection<>).MakeGenericType(elementType), array)!;
    }

    /// <summary>A shallow copy: the record's compiler-generated clone when there is one, else MemberwiseClone.</summary>
    public static object Clone(object value)
    {
        var type = value.GetType();
        var clone = type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (clone is not null) return clone.Invoke(value, null)!;
        return typeof(object).GetMethod("MemberwiseClone", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(value, null)!;
    }

    private static IReadOnlyList<ConfigProperty> Build(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType) chain.Add(t);
        chain.Reverse();
        var result = new List<ConfigProperty>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in chain)
        {
            var declared = t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .OrderBy(p => p.MetadataToken);
            foreach (var p in declared)
            {
                if (p.GetIndexParameters().Length > 0 || p.GetMethod is not { IsPublic: true } || p.SetMethod is not { IsPublic: true }) continue;
                if (!names.Add(p.Name)) continue; // an override of a base property keeps the base position
                var key = ConfigNaming.ToKebabCase(p.Name);
                if (!keys.TryAdd(key, p.Name))
                    throw new NotSupportedException($"{type}: properties {keys[key]} and {p.Name} have the same configuration key '{key}'");
                NullabilityInfo nullability;
                lock (NullabilityLock) nullability = NullabilityContext.Create(p);
                KindOf(p.PropertyType); // fail early on unsupported types
                var aliases = p.GetCustomAttribute<ConfigAliasAttribute>()?.Aliases ?? [];
                foreach (var alias in aliases)
                    if (!keys.TryAdd(alias, p.Name))
                        throw new NotSupportedException($"{type}: alias '{alias}' of {p.Name} is also the key of {keys[alias]}");
                result.Add(new ConfigProperty(p, key, nullability) { Aliases = aliases });
            }
        }
        return result;
    }

    /// <summary>True when null is an allowed value: a nullable value type or a reference annotated with '?'.</summary>
    public static bool AllowsNull(Type type, NullabilityInfo? nullability) =>
        type.IsValueType ? Nullable.GetUnderlyingType(type) is not null : nullability is null || nullability.WriteState != NullabilityState.NotNull;

    /// <summary>The nullability of the elements of a list described by <paramref name="list"/>.</summary>
    public static NullabilityInfo? ElementNullability(NullabilityInfo? list) =>
        list is null ? null : list.ElementType ?? (list.GenericTypeArguments.Length == 1 ? list.GenericTypeArguments[0] : null);

    /// <summary>Human-readable type name for messages: int, double, List&lt;string&gt;, OptimizerOptions.</summary>
    public static string TypeName(Type type)
    {
        var under = Nullable.GetUnderlyingType(type);
        if (under is not null) return TypeName(under) + "?";
        if (type == typeof(int)) return "int";
        if (type == typeof(long)) return "long";
        if (type == typeof(short)) return "short";
        if (type == typeof(sbyte)) return "sbyte";
        if (type == typeof(byte)) return "byte";
        if (type == typeof(uint)) return "uint";
        if (type == typeof(ulong)) return "ulong";
        if (type == typeof(ushort)) return "ushort";
        if (type == typeof(float)) return "float";
        if (type == typeof(double)) return "double";
        if (type == typeof(decimal)) return "decimal";
        if (type == typeof(bool)) return "bool";
        if (type == typeof(string)) return "string";
        if (type.IsArray) return TypeName(type.GetElementType()!) + "[]";
        if (type.IsGenericType)
        {
            var name = type.Name[..type.Name.IndexOf('`')];
            return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
        }
        return type.Name;
    }
}
