using System.Reflection;

namespace MedLearn;

/// <summary>Assembly marker for the MedLearn toolkit (data, models, training, methods; built on MedLearn.Torch).</summary>
public static class MedLearnInfo
{
    /// <summary>
    /// Toolkit version: the assembly's informational version, i.e. <c>&lt;Version&gt;</c> of Directory.Build.props —
    /// the one source that <c>medlearn --version</c>, <c>medlearn doctor</c>, run.json and the reports all show.
    /// </summary>
    public static string Version { get; } =
        typeof(MedLearnInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(MedLearnInfo).Assembly.GetName().Version?.ToString(3) ?? "unknown";
}
