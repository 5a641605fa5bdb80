namespace MedLearn.Explain;

/// <summary>The explanation methods of <see cref="RunExplainer"/> and <c>medlearn explain --method</c>.</summary>
public enum ExplainMethod
{
    /// <summary><see cref="OcclusionSensitivity"/> ("occlusion").</summary>
    Occlusion,

    /// <summary><see cref="GradCam"/> with <see cref="CamMethod.GradCam"/> ("gradcam").</summary>
    GradCam,

    /// <summary><see cref="GradCam"/> with <see cref="CamMethod.GradCamPlusPlus"/> ("gradcam++").</summary>
    GradCamPlusPlus,
}

/// <summary>Names of <see cref="ExplainMethod"/> as written in configuration files, on the command line and in results.</summary>
public static class ExplainMethods
{
    /// <summary>"occlusion", "gradcam", "gradcam++".</summary>
    public static IReadOnlyList<string> Names { get; } = [OcclusionSensitivity.MethodName, GradCam.GradCamName, GradCam.GradCamPlusPlusName];

    /// <summary>The method called <paramref name="name"/> (case-insensitive; "gradcampp" is accepted for "gradcam++").</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static ExplainMethod Parse(string name) =>
        TryParse(name) ?? throw new ArgumentException($"unknown explanation method '{name}'; known: {string.Join(", ", Names)}");

    /// <summary>The method called <paramref name="name"/>, or null when the name is unknown.</summary>
    public static ExplainMethod? TryParse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "occlusion" => ExplainMethod.Occlusion,
        "gradcam" or "grad-cam" => ExplainMethod.GradCam,
        "gradcam++" or "gradcampp" or "grad-cam++" => ExplainMethod.GradCamPlusPlus,
        _ => null,
    };

    /// <summary>The name of <paramref name="method"/>.</summary>
    public static string Name(this ExplainMethod method) => Names[(int)method];

    /// <summary>A file-name-safe form of the name ("gradcampp" for Grad-CAM++).</summary>
    public static string FileTag(this ExplainMethod method) => method.Name().Replace("++", "pp", StringComparison.Ordinal);
}
