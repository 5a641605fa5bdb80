using System.Text.Json;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Readers;

/// <summary>Paths of the Debian sample files and helpers shared by the reader tests.</summary>
internal static class ReaderTestFiles
{
    public const string Skimage = "/usr/lib/python3/dist-packages/skimage/data";
    public const string Nibabel = "/usr/lib/python3/dist-packages/nibabel/tests/data";

    public static string Sk(string name) => Existing(Path.Combine(Skimage, name), "python3-skimage");
    public static string Nb(string name) => Existing(Path.Combine(Nibabel, name), "python3-nibabel");

    private static string Existing(string path, string package)
    {
        if (!File.Exists(path)) Assert.Fail($"{path} missing: install the Debian package {package} (setup.sh does)");
        return path;
    }

    public static Golden Gold => Golden.Load("readers");

    public static string Key(string name) => name.Replace('.', '_');

    /// <summary>Numbers of a JSON array; null stands for NaN.</summary>
    public static double[] Doubles(JsonElement e) =>
        e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();

    /// <summary>A fresh temporary folder, deleted by the caller (or left for the OS).</summary>
    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "medlearn-readers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Sum and sum of squares in float64, NaN voxels left out, and the number of NaN voxels.</summary>
    public static (double Sum, double SumSq, long Nans) Checksums(Tensor t)
    {
        using var scope = DisposeScope.Open();
        var d = t.To(DType.Float64);
        var nans = d.IsNan().To(DType.Int64).Sum().ToArray<long>()[0];
        d = d.NanToNum();
        return (d.Sum().ToArray<double>()[0], (d * d).Sum().ToArray<double>()[0], nans);
    }

    /// <summary>Value at a multi-index of a tensor, as double.</summary>
    public static double At(Tensor t, params long[] index)
    {
        using var scope = DisposeScope.Open();
        var x = t;
        foreach (var i in index) x = x.Select(0, i);
        return x.To(DType.Float64).ToArray<double>()[0];
    }
}
