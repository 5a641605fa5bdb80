namespace MedLearn.Runs;

/// <summary>
/// Other accepted keys of a configuration property, e.g. the command-line flag's name when it differs from the
/// key (<c>[ConfigAlias("lr")]</c> on <c>LearningRate</c> makes <c>--set lr=0.1</c> and <c>lr: 0.1</c> set
/// <c>learning-rate</c>). Aliases match in kebab-case or snake_case like keys; giving a key and its alias is "given
/// twice". <see cref="ConfigWriter"/> always writes the key itself.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class ConfigAliasAttribute(params string[] aliases) : Attribute
{
    /// <summary>The aliases, kebab-case.</summary>
    public IReadOnlyList<string> Aliases { get; } = aliases;
}
