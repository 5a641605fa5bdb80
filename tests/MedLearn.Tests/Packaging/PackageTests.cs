using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Packaging;

/// <summary>
/// Issue 17 item 4: <c>dotnet pack</c> gives MedLearn.Torch (with the native shim as a runtime asset), MedLearn and the
/// MedLearn.Cli .NET tool at the one version; the sample restores them from a folder feed (isolated packages folder in
/// temp) and trains; the tool installs and runs; a consumer without libtorch gets a message naming the missing library.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-packages-");
    private string Root => _root.FullName;

    public void Dispose() => _root.Delete(recursive: true);

    private static string Configuration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>Runs a process to completion (10 minutes at most) and returns its exit code and combined output.</summary>
    private static (int Code, string Output) Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The suite's own MSBuild and test-host variables must not leak into the nested builds.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(600_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} timed out");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static XDocument Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var s = entry.Open();
        return XDocument.Load(s);
    }

    private static string[] Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return [.. zip.Entries.Select(e => e.FullName)];
    }

    private static string? Meta(XDocument nuspec, string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    /// <summary>
    /// The nuspec names the repository of record (Directory.Build.props' MedLearnRepositoryUrl) and the commit built, and
    /// the symbols package's portable PDB carries a Source Link map of the repository root to that commit's raw files —
    /// also in a clone without a git remote (the test machine's).
    /// </summary>
    private static void AssertRepositoryAndSourceLink(string package, string assembly)
    {
        var repository = Nuspec(package).Descendants().Single(e => e.Name.LocalName == "repository");
        var url = repository.Attribute("url")?.Value;
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Matches("^https://github.com/[^/]+/[^/]+$", url);
        var commit = repository.Attribute("commit")?.Value;
        Assert.Matches("^[0-9a-f]{40}$", commit);
        // The commit packed is this checkout's (HEAD or, if a commit came between pack and this check, one of its ancestors).
        var (code, output) = Run("git", ["merge-base", "--is-ancestor", commit!, "HEAD"], workingDirectory: Path.GetDirectoryName(PythonOracle.RepoFile("Directory.Build.props")));
        Assert.True(code == 0, $"the nuspec's commit {commit} is not in this checkout's history: {output}");

        using var zip = ZipFile.OpenRead(Path.ChangeExtension(package, ".snupkg"));
        var pdbEntry = zip.Entries.Single(e => e.FullName == $"lib/net10.0/{assembly}.pdb");
        using var pdbStream = new MemoryStream();
        using (var s = pdbEntry.Open()) s.CopyTo(pdbStream);
        pdbStream.Position = 0;
        using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(pdbStream);
        var reader = provider.GetMetadataReader();
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A"); // the portable PDB's Source Link record
        var json = reader.CustomDebugInformation.Select(h => reader.GetCustomDebugInformation(h))
            .Where(c => reader.GetGuid(c.Kind) == sourceLinkKind)
            .Select(c => System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value))).SingleOrDefault();
        Assert.True(json is not null, $"{assembly}.pdb has no Source Link record");
        var rawBase = url!.Replace("https://github.com/", "https://raw.githubusercontent.com/", StringComparison.Ordinal);
        // The commit the assembly was built from (the nuspec's is the one packed: the same unless a commit came between).
        Assert.Matches(System.Text.RegularExpressions.Regex.Escape(rawBase) + "/[0-9a-f]{40}/\\*", json);
    }

    [Fact]
    public void PackagesRestoreIntoTheSampleAndTheToolInstalls()
    {
        var version = MedLearnInfo.Version;
        var feed = Path.Combine(Root, "feed");
        foreach (var project in new[] { "src/MedLearn.Torch", "src/MedLearn", "src/MedLearn.Cli" })
        {
            var (code, output) = Run("dotnet", ["pack", PythonOracle.RepoFile(project), "-c", Configuration, "--no-build", "-o", feed, "-nodeReuse:false"]);
            Assert.True(code == 0, $"dotnet pack {project} failed:\n{output}");
        }

        // MedLearn.Torch: the shim as a linux-x64 native asset, XML docs, the libtorch requirement stated.
        var torch = Path.Combine(feed, $"MedLearn.Torch.{version}.nupkg");
        Assert.Contains("runtimes/linux-x64/native/libmedlearn_shim.so", Entries(torch));
        Assert.Contains("lib/net10.0/MedLearn.Torch.xml", Entries(torch));
        Assert.Contains("README.md", Entries(torch));
        var torchSpec = Nuspec(torch);
        Assert.Equal(version, Meta(torchSpec, "version"));
        Assert.Contains("libtorch 1.13", Meta(torchSpec, "description"), StringComparison.Ordinal);
        Assert.Contains("apt-get install libtorch-dev", Meta(torchSpec, "description"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(feed, $"MedLearn.Torch.{version}.snupkg")), "symbols package");
        AssertRepositoryAndSourceLink(torch, "MedLearn.Torch");

        // MedLearn: the toolkit (assembly MedLearn.Core), depending on MedLearn.Torch of the same version; build tools are no dependency.
        var toolkit = Path.Combine(feed, $"MedLearn.{version}.nupkg");
        Assert.Contains("lib/net10.0/MedLearn.Core.dll", Entries(toolkit));
        Assert.Contains("lib/net10.0/MedLearn.Core.xml", Entries(toolkit));
        AssertRepositoryAndSourceLink(toolkit, "MedLearn.Core");
        var dependencies = Nuspec(toolkit).Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);
        Assert.Equal(version, dependencies["MedLearn.Torch"]);
        Assert.DoesNotContain("Grpc.Tools", dependencies.Keys);

        // MedLearn.Cli: a .NET tool with the `medlearn` command, the shim beside it, ONNX Runtime for linux-x64 only.
        var cli = Path.Combine(feed, $"MedLearn.Cli.{version}.nupkg");
        var cliEntries = Entries(cli);
        Assert.Contains("tools/net10.0/any/medlearn.dll", cliEntries);
        Assert.Contains("tools/net10.0/any/libmedlearn_shim.so", cliEntries);
        Assert.Contains("tools/net10.0/any/runtimes/linux-x64/native/libonnxruntime.so", cliEntries);
        Assert.DoesNotContain(cliEntries, e => e.StartsWith("tools/net10.0/any/runtimes/win", StringComparison.Ordinal));
        Assert.Contains("DotnetTool", Nuspec(cli).Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => e.Attribute("name")!.Value));

        // The sample restores the packages from the folder feed into an isolated packages folder and trains.
        var packages = Path.Combine(Root, "packages");
        var artifacts = Path.Combine(Root, "artifacts");
        var (buildCode, build) = Run("dotnet", ["build", PythonOracle.RepoFile("samples/MedLearn.Sample/MedLearn.Sample.csproj"), "-c", "Release", "-nodeReuse:false",
            "--artifacts-path", artifacts, $"-p:RestoreAdditionalProjectSources={feed}", $"-p:RestorePackagesPath={packages}"]);
        Assert.True(buildCode == 0, $"sample build failed:\n{build}");
        Assert.True(Directory.Exists(Path.Combine(packages, "medlearn", version)), "MedLearn restored into the isolated packages folder");
        var sampleDll = Directory.GetFiles(Path.Combine(artifacts, "bin"), "MedLearn.Sample.dll", SearchOption.AllDirectories).Single();
        var sampleBin = Path.GetDirectoryName(sampleDll)!;
        // The shim came from the package's runtime asset (not copied beside the assemblies as in the repository's own build).
        Assert.True(File.Exists(Path.Combine(sampleBin, "runtimes", "linux-x64", "native", "libmedlearn_shim.so")));
        Assert.False(File.Exists(Path.Combine(sampleBin, "libmedlearn_shim.so")));
        var (runCode, sample) = Run("dotnet", [sampleDll, Path.Combine(Root, "sample-output")], new Dictionary<string, string> { ["MEDLEARN_NUM_THREADS"] = "1" });
        Assert.True(runCode == 0, $"sample failed:\n{sample}");
        Assert.Contains("epochs: 3", sample, StringComparison.Ordinal);
        var accuracyLine = sample.Split('\n').Single(l => l.StartsWith("test accuracy: ", StringComparison.Ordinal));
        var accuracy = double.Parse(accuracyLine["test accuracy: ".Length..], CultureInfo.InvariantCulture);
        Assert.InRange(accuracy, 0, 1);
        Assert.Matches(@"predicted: \S+\.png -> (normal|stage1|stage2|stage3) \(0\.\d{3}\)", sample);
        var run = Directory.GetDirectories(Path.Combine(Root, "sample-output", "runs")).Single();
        Assert.True(File.Exists(Path.Combine(run, "model.pt")));

        // The tool installs from the feed and runs.
        var tools = Path.Combine(Root, "tools");
        var (installCode, install) = Run("dotnet", ["tool", "install", "MedLearn.Cli", "--tool-path", tools, "--add-source", feed, "--version", version],
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages });
        Assert.True(installCode == 0, $"dotnet tool install failed:\n{install}");
        var (versionCode, versionOut) = Run(Path.Combine(tools, "medlearn"), ["--version"]);
        Assert.True(versionCode == 0, versionOut);
        Assert.Contains(version, versionOut, StringComparison.Ordinal);
        var (doctorCode, doctor) = Run(Path.Combine(tools, "medlearn"), ["doctor"], new Dictionary<string, string> { ["MEDLEARN_NUM_THREADS"] = "1" });
        Assert.True(doctorCode == 0, doctor);
        Assert.Contains(Path.Combine(tools, ".store"), doctor, StringComparison.Ordinal); // the shim loaded from the installed tool
    }

    [Fact]
    public void AConsumerWithoutLibtorchIsToldWhichLibraryIsMissingAndHowToInstallIt()
    {
        // A stand-in shim linked against a libtorch that is not on this machine (libtorch_cpu.so.9.99): the loader fails on
        // the dependency, exactly as the real shim does on a machine without libtorch.
        var stub = Path.Combine(Root, "stub");
        var fake = Path.Combine(Root, "fake");
        Directory.CreateDirectory(stub);
        Directory.CreateDirectory(fake);
        var stubSource = Path.Combine(Root, "stub.cpp");
        File.WriteAllText(stubSource, "extern \"C\" void torch_stub() {}\n");
        var shimSource = Path.Combine(Root, "shim.cpp");
        File.WriteAllText(shimSource, "extern \"C\" void torch_stub();\nextern \"C\" void ml_last_error_kind() { torch_stub(); }\n");
        var stubLib = Path.Combine(stub, "libtorch_cpu.so.9.99");
        var (code, output) = Run("g++", ["-shared", "-fPIC", stubSource, "-o", stubLib, "-Wl,-soname,libtorch_cpu.so.9.99"]);
        Assert.True(code == 0, output);
        var shim = Path.Combine(fake, "libmedlearn_shim.so");
        (code, output) = Run("g++", ["-shared", "-fPIC", shimSource, stubLib, "-o", shim]);
        Assert.True(code == 0, output);
        Directory.Delete(stub, recursive: true);

        var cli = Path.Combine(AppContext.BaseDirectory, "medlearn.dll");
        (code, output) = Run("dotnet", [cli, "doctor"], new Dictionary<string, string> { ["MEDLEARN_SHIM"] = shim });
        Assert.Equal(1, code);
        Assert.Contains($"cannot load MedLearn's native shim {shim}: it needs libtorch_cpu.so.9.99, which is not installed", output, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install libtorch-dev libopenblas0-openmp", output, StringComparison.Ordinal);

        // A command that touches tensors says the same in its one error line.
        (code, output) = Run("dotnet", [cli, "data", "synth", "rop", "--out", Path.Combine(Root, "rop"), "--count", "4", "--seed", "0"],
            new Dictionary<string, string> { ["MEDLEARN_SHIM"] = shim });
        Assert.Equal(1, code);
        Assert.StartsWith($"medlearn: cannot load MedLearn's native shim {shim}: it needs libtorch_cpu.so.9.99", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
    }
}
