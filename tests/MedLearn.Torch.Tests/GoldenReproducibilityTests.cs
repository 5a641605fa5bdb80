using System.Text.Json;

namespace MedLearn.Torch.Tests;

/// <summary>
/// The golden files are produced by the checked-in scripts, never edited by hand: regenerate every JSON golden
/// file with Debian's python3-torch into a temporary folder and require the same tensors and values.
/// </summary>
public class GoldenReproducibilityTests
{
    /// <summary>
    /// Scripts whose output is not checked in: gen_data_models.py writes ~160 MB of torchvision state dicts that
    /// its own parity tests generate into a temporary folder on every run (gen_data_zoo_cnn.py likewise, ~250 MB).
    /// </summary>
    private static readonly string[] NotCheckedIn = ["gen_data_models.py", "gen_data_zoo_cnn.py"];

    public static TheoryData<string> Scripts() =>
        [.. Directory.GetFiles(PythonOracle.RepoFile("tools/golden"), "gen_*.py").Select(f => Path.GetFileName(f))
            .Where(f => !NotCheckedIn.Contains(f)).Order()];

    [Theory]
    [MemberData(nameof(Scripts))]
    public void CheckedInGoldenFileEqualsWhatItsScriptProduces(string script)
    {
        var temp = Directory.CreateTempSubdirectory("medlearn-golden-");
        try
        {
            var (code, _, err) = PythonOracle.RunScript(Path.Combine(PythonOracle.RepoFile("tools/golden"), script),
                new Dictionary<string, string> { ["MEDLEARN_GOLDEN_DIR"] = temp.FullName });
            Assert.True(code == 0, $"{script} failed:\n{err}");
            var produced = temp.GetFiles("*.json");
            Assert.NotEmpty(produced);
            foreach (var file in produced)
            {
                // Engine goldens live in tests/MedLearn.Torch.Tests/Golden, toolkit ones in tests/MedLearn.Tests/Golden.
                var checkedIn = Directory.GetFiles(PythonOracle.RepoFile("tests"), file.Name, SearchOption.AllDirectories)
                    .FirstOrDefault(f => Path.GetFileName(Path.GetDirectoryName(f)) == "Golden" && !f.Contains("/bin/"));
                Assert.True(checkedIn is not null, $"{file.Name} is produced by {script} but not checked in under tests/*/Golden");
                using var expected = JsonDocument.Parse(File.ReadAllText(checkedIn));
                using var actual = JsonDocument.Parse(File.ReadAllText(file.FullName));
                AssertSameJson(expected.RootElement, actual.RootElement, file.Name);
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private static void AssertSameJson(JsonElement expected, JsonElement actual, string path)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: {expected.ValueKind} vs {actual.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var keys = expected.EnumerateObject().Select(p => p.Name).ToList();
                Assert.Equal(keys, actual.EnumerateObject().Select(p => p.Name).ToList());
                foreach (var k in keys) AssertSameJson(expected.GetProperty(k), actual.GetProperty(k), $"{path}.{k}");
                break;
            case JsonValueKind.Array:
                var (e, a) = (expected.EnumerateArray().ToList(), actual.EnumerateArray().ToList());
                Assert.True(e.Count == a.Count, $"{path}: {e.Count} vs {a.Count} items");
                for (var i = 0; i < e.Count; i++) AssertSameJson(e[i], a[i], $"{path}[{i}]");
                break;
            case JsonValueKind.Number:
                var (x, y) = (expected.GetDouble(), actual.GetDouble());
                // Same library and seed, but not the same CPU: oneDNN and OpenBLAS pick other kernels (blocking, summation
                // order) on AVX-512 without AMX than on AMX, so float32 sums differ by tens of ulps (a conv_transpose3d
                // weight gradient regenerated on an AMD EPYC: 0.35675049 vs 0.35674912, 46 ulps). 1e-5 relative is ~80 ulps
                // of float32; a wrong script or a changed seed moves values by far more.
                Assert.True(Math.Abs(x - y) <= 1e-5 * Math.Max(1.0, Math.Abs(x)), $"{path}: {x} vs {y}");
                break;
            default:
                Assert.Equal(expected.ToString(), actual.ToString());
                break;
        }
    }
}
