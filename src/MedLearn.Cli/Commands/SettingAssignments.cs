using System.Globalization;

namespace MedLearn.Cli.Commands;

/// <summary>
/// The flags a training command was given, as <c>key=value</c> setting assignments (the form <c>--set</c> takes), so
/// flags, <c>--set</c> and a YAML file are bound by one binder. A flag that was not given adds nothing.
/// </summary>
internal sealed class SettingAssignments : List<string>
{
    /// <summary>Adds <c>key=value</c> (value quoted as YAML) when <paramref name="value"/> is not null.</summary>
    public void Set<T>(string key, T? value)
    {
        if (value is not null) Add(string.Create(CultureInfo.InvariantCulture, $"{key}={TrainCommand.Quote(value)}"));
    }
}
