using System.Globalization;
using MedLearn.Models;

namespace MedLearn.Bench;

/// <summary>Option parsing, model construction and /proc measurements shared by the benchmarks.</summary>
internal static class BenchUtil
{
    public static int Int(IReadOnlyDictionary<string, string> options, string key, int fallback) =>
        options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The torchvision-equivalent model (same initialisation order as torchvision, so the same seed gives the same weights).</summary>
    public static ImageClassifier Model(string name, long classes) => name switch
    {
        "resnet18" => ResNet.ResNet18(classes),
        "resnet50" => ResNet.ResNet50(classes),
        "densenet121" => DenseNet.DenseNet121(classes),
        _ => ModelRegistry.Create(name, classes),
    };

    /// <summary>A value of /proc/self/status in MB (e.g. VmHWM, the peak resident set size).</summary>
    public static double StatusMb(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>The <paramref name="q"/>-quantile (0..1) of <paramref name="values"/> by the nearest-rank rule.</summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
