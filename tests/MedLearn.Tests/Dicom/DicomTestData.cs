using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Dicom;

/// <summary>Paths of pydicom's test files (Debian python3-pydicom) and of the synthetic series, plus golden access.</summary>
internal static class DicomTestData
{
    public const string PydicomDir = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static string File(string name) => Path.Combine(PydicomDir, name);

    public static string Series(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    public static Golden G => Golden.Load("dicom");

    public static string Key(string name) => name.Replace(".dcm", "").Replace("+", "p");

    public static double[] Doubles(string name) => [.. G.RawValue(name).EnumerateArray().Select(e => e.GetDouble())];
}
