using System.Globalization;
using System.Text.Json;

namespace MedLearn.Profiling;

/// <summary>
/// Writes a <see cref="ModelProfileResult"/> into a folder: <c>ops.md</c> (Markdown per-op table, times per step),
/// <c>ops.csv</c> (the same as CSV), <c>trace.json</c> (Chrome trace of every op event, for Perfetto or
/// chrome://tracing) and <c>profile.json</c> (what was run and the step times). Every file is written atomically.
/// </summary>
public static class ModelProfileWriter
{
    /// <summary>File names written into the output folder.</summary>
    public const string OpsMarkdown = "ops.md", OpsCsv = "ops.csv", Trace = "trace.json", Summary = "profile.json";

    /// <summary>Writes the four files into <paramref name="directory"/> (created if missing).</summary>
    public static void Write(string directory, ModelProfileResult result, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (File.Exists(directory)) throw new IOException($"{directory}: is a file; the profile output must be a folder");
        Directory.CreateDirectory(directory);
        var meanStep = result.StepMilliseconds.Average();
        OpTableWriter.WriteMarkdown(Path.Combine(directory, OpsMarkdown), result.Ops, result.Steps,
            $"Profile of {result.Architecture} ({(result.Mode == ProfileMode.Infer ? "inference" : "training step")})",
            [
                $"Command: `{command}`",
                string.Create(CultureInfo.InvariantCulture, $"Batch {result.Batch}, {result.Size} px, {result.Steps} profiled steps, {result.Threads} threads; wall time per step {meanStep:F2} ms (profiler overhead included)"),
                $"Plan: {result.Plan}",
                "Self time = an op's duration minus its direct children's (same thread); total = with children. Times per profiled step.",
            ]);
        OpTableWriter.WriteCsv(Path.Combine(directory, OpsCsv), result.Ops, result.Steps);
        ChromeTraceWriter.Write(Path.Combine(directory, Trace), result.Events, result.TraceStartNanoseconds);
        var summary = new Dictionary<string, object?>
        {
            ["architecture"] = result.Architecture,
            ["mode"] = result.Mode == ProfileMode.Infer ? "infer" : "train",
            ["batch"] = result.Batch,
            ["size"] = result.Size,
            ["steps"] = result.Steps,
            ["threads"] = result.Threads,
            ["plan"] = result.Plan,
            ["channels_last"] = result.ChannelsLast,
            ["low_precision_dtype"] = result.LowPrecisionDType,
            ["step_ms"] = result.StepMilliseconds,
            ["mean_step_ms"] = meanStep,
            ["self_ms_per_step"] = result.Ops.Sum(o => o.SelfNanoseconds) / 1e6 / result.Steps,
            ["command"] = command,
        };
        AtomicText.Write(Path.Combine(directory, Summary), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
