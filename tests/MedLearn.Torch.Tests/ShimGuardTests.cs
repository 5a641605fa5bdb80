using System.Text.RegularExpressions;

namespace MedLearn.Torch.Tests;

/// <summary>
/// Architecture rule: every exported shim function runs its body inside the catch-all guard (a C++ exception
/// unwinding into .NET aborts the process). Only a few trivial, non-throwing accessors are exempt.
/// </summary>
public partial class ShimGuardTests
{
    private static readonly string[] NonThrowingBodies =
    [
        "return t_error", "return MEDLEARN_SHIM_VERSION", "return TORCH_VERSION", "clear_error", "delete ", "std::free",
        "return t && ", "return at::GradMode", "return c10::InferenceMode", "return at::has", "return static_cast<int64_t>(sizeof",
    ];

    [GeneratedRegex(@"ML_API[^{;]*?\b(ml_\w+)\s*\([^)]*\)\s*\{")]
    private static partial Regex Export();

    [Fact]
    public void EveryExportIsGuardedOrTriviallyNonThrowing()
    {
        var sources = Directory.GetFiles(PythonOracle.RepoFile("native/src"), "*.cpp");
        var exports = 0;
        var unguarded = new List<string>();
        foreach (var file in sources)
        {
            var text = File.ReadAllText(file);
            foreach (Match m in Export().Matches(text))
            {
                exports++;
                var body = text[m.Index..][(m.Length)..].TrimStart();
                var guarded = body.StartsWith("ML_GUARD", StringComparison.Ordinal) || body.StartsWith("ML_TENSOR", StringComparison.Ordinal)
                    || body.StartsWith("ML_VOID", StringComparison.Ordinal) || body.StartsWith("ML_PAIR", StringComparison.Ordinal)
                    || NonThrowingBodies.Any(p => body.StartsWith(p, StringComparison.Ordinal));
                if (!guarded) unguarded.Add($"{Path.GetFileName(file)}: {m.Groups[1].Value}");
            }
        }
        Assert.True(exports > 200, $"only {exports} exports found: the pattern no longer matches the shim's style");
        Assert.True(unguarded.Count == 0, "exports without ML_GUARD:\n" + string.Join("\n", unguarded));
    }
}
