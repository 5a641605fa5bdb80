using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Data.Datasets;
using MedLearn.Data.Synthetic;
using MedLearn.Torch.Vision;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn data</c>: synthetic datasets (<c>synth rop|mammo|volume</c>), dataset summaries (<c>inspect</c>)
/// and stratified split files (<c>split</c>).
/// </summary>
internal static class DataCommand
{
    public static Command Create() => new("data", "Create, inspect and split datasets.")
    {
        CreateSynth(),
        CreateInspect(),
        CreateSplit(),
    };

    private static Command CreateSynth()
    {
        var synth = new Command("synth", "Write a synthetic dataset (deterministic in --seed) as ordinary image files.");
        foreach (var kind in new[] { "rop", "mammo", "volume" })
        {
            var output = new Option<string>("--out") { Description = "Output folder (created).", Required = true };
            var count = new Option<int>("--count") { Description = "Number of images/volumes.", DefaultValueFactory = _ => 100 };
            var seed = new Option<ulong>("--seed") { Description = "Dataset seed.", DefaultValueFactory = _ => 0 };
            var size = new Option<string?>("--size")
            {
                Description = kind switch
                {
                    "rop" => "Image side in pixels (default 256).",
                    "mammo" => "HEIGHTxWIDTH in pixels (default 2944x1920).",
                    _ => "XxYxZ voxels, file order (default 96x96x64).",
                },
            };
            var description = kind switch
            {
                "rop" => "Fundus-like ROP stage images: OUT/{normal,stage1,stage2,stage3}/rop_NNNNN.png (balanced).",
                "mammo" => "16-bit screening-like images: OUT/images/*.png, OUT/masks/*.png, OUT/labels.csv (path,label,mask).",
                _ => "3-D volumes with masks: OUT/imagesTr/*.nii.gz, OUT/labelsTr/*.nii.gz.",
            };
            var command = new Command(kind, description) { output, count, seed, size };
            Option<string>? format = null;
            Option<int>? quality = null;
            if (kind == "rop")
            {
                format = new Option<string>("--format") { Description = "png or jpg.", DefaultValueFactory = _ => "png" };
                format.AcceptOnlyFromAmong("png", "jpg", "jpeg");
                quality = new Option<int>("--quality") { Description = "JPEG quality 1-100.", DefaultValueFactory = _ => 95 };
                command.Add(format);
                command.Add(quality);
            }
            Option<double>? minLesion = null;
            Option<int>? views = null;
            Option<double>? contrast = null;
            if (kind == "mammo")
            {
                minLesion = new Option<double>("--min-lesion-pixels") { Description = "Lesion size floor in pixels for reduced sizes (mass sigma >= N, cluster radius >= 2N, calcification sigma >= N/3; default 0 = full-size rule).", DefaultValueFactory = _ => 0 };
                views = new Option<int>("--views") { Description = "1 (default) or 2: consecutive images are the CC and MLO views of one breast (labels.csv gains patient,exam,view,laterality).", DefaultValueFactory = _ => 1 };
                views.AcceptOnlyFromAmong("1", "2");
                command.Add(minLesion);
                command.Add(views);
                contrast = new Option<double>("--lesion-contrast") { Description = "Factor on lesion intensity (masses and calcifications); < 1 makes the task harder (default 1).", DefaultValueFactory = _ => 1.0 };
                command.Add(contrast);
            }
            command.SetAction(parse => RunSynth(kind, parse.GetValue(output)!, parse.GetValue(count), parse.GetValue(seed),
                parse.GetValue(size), format is null ? "png" : parse.GetValue(format)!, quality is null ? 95 : parse.GetValue(quality),
                minLesion is null ? 0 : parse.GetValue(minLesion), views is null ? 1 : parse.GetValue(views), contrast is null ? 1.0 : parse.GetValue(contrast)));
            synth.Add(command);
        }
        return synth;
    }

    internal static int RunSynth(string kind, string outDir, int count, ulong seed, string? size, string format, int quality, double minLesionPixels = 0, int viewsPerBreast = 1, double lesionContrast = 1.0)
    {
        if (count <= 0)
        {
            Console.Error.WriteLine("data synth: --count must be positive");
            return 2;
        }
        int[] dims;
        try
        {
            dims = ParseSize(size, kind switch { "rop" => [256], "mammo" => [2944, 1920], _ => [96, 96, 64] });
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"data synth {kind}: {e.Message}");
            return 2;
        }
        var clock = Stopwatch.StartNew();
        var progress = new StderrCountProgress<SynthProgress>($"synth {kind}", 10, "", p => (p.Done, p.Total));
        try
        {
            switch (kind)
            {
                case "rop":
                    SyntheticDatasetWriter.WriteRop(outDir, count, new RopPhantomOptions { Size = dims[0], Seed = seed },
                        format == "png" ? ImageFormat.Png : ImageFormat.Jpeg, quality, progress);
                    break;
                case "mammo":
                    SyntheticDatasetWriter.WriteMammo(outDir, count, new MammoPhantomOptions { Height = dims[0], Width = dims[1], Seed = seed, MinLesionPixels = minLesionPixels, ViewsPerBreast = viewsPerBreast, LesionContrast = lesionContrast }, progress);
                    break;
                default:
                    SyntheticDatasetWriter.WriteVolumes(outDir, count,
                        new VolumePhantomOptions { Width = dims[0], Height = dims[1], Depth = dims[2], Seed = seed }, progress);
                    break;
            }
        }
        catch (ArgumentException e)
        {
            progress.Finish();
            Console.Error.WriteLine($"data synth {kind}: {e.Message}");
            return 2;
        }
        catch (IOException e)
        {
            progress.Finish();
            Console.Error.WriteLine($"data synth {kind}: {e.Message}");
            return 1;
        }
        progress.Finish();
        Console.WriteLine($"wrote {count} {kind} samples to {Path.GetFullPath(outDir)} in {clock.Elapsed.TotalSeconds:F1} s");
        if (kind == "rop")
            Console.WriteLine($"ordinal staging settings (ordinal, class order normal < stage1 < stage2 < stage3): --config {Path.Combine(Path.GetFullPath(outDir), SyntheticDatasetWriter.RopTaskFileName)}");
        return 0;
    }

    /// <summary>"64" / "184x120" / "24x24x16" with the default's number of parts (a single number fills all).</summary>
    internal static int[] ParseSize(string? text, int[] defaults)
    {
        if (string.IsNullOrWhiteSpace(text)) return defaults;
        var parts = text.Split('x', 'X', ',');
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 8)
                throw new FormatException($"--size '{text}': expected {defaults.Length} positive integers >= 8 separated by 'x'");
        if (values.Length == 1) return [.. Enumerable.Repeat(values[0], defaults.Length)];
        if (values.Length != defaults.Length)
            throw new FormatException($"--size '{text}': expected {string.Join("x", defaults.Select(_ => "N"))}");
        return values;
    }

    private static Command CreateInspect()
    {
        var path = new Argument<string>("path") { Description = "Dataset folder (class folders, images/+labels.csv, imagesTr/+labelsTr/), a manifest CSV, or a folder of images." };
        var limit = new Option<int>("--max-files") { Description = "Read at most this many files (0 = all).", DefaultValueFactory = _ => 0 };
        var command = new Command("inspect", "Summarise a dataset: classes, counts, image sizes, channels, bit depth, spacing, unreadable files.") { path, limit };
        command.SetAction(parse => DataInspect.Run(parse.GetValue(path)!, parse.GetValue(limit), Console.Out));
        return command;
    }

    private static Command CreateSplit()
    {
        var path = new Argument<string>("path") { Description = "Dataset folder or manifest CSV (as for inspect)." };
        var output = new Option<string>("--out") { Description = "Split file to write (CSV: path,split,label).", Required = true };
        // The defaults of training (split: [0.7, 0.15, 0.15]): a split written here is the one training makes itself.
        var val = new Option<double>("--val") { Description = "Validation fraction per class (default 0.15, as in training).", DefaultValueFactory = _ => DatasetSplitter.DefaultFractions[1] };
        var test = new Option<double>("--test") { Description = "Test fraction per class (default 0.15, as in training).", DefaultValueFactory = _ => DatasetSplitter.DefaultFractions[2] };
        var seed = new Option<ulong>("--seed") { Description = "Split seed.", DefaultValueFactory = _ => 0 };
        var command = new Command("split", "Write a stratified, seeded train/val/test split file.") { path, output, val, test, seed };
        command.SetAction(parse => RunSplit(parse.GetValue(path)!, parse.GetValue(output)!, parse.GetValue(val), parse.GetValue(test), parse.GetValue(seed)));
        return command;
    }

    internal static int RunSplit(string path, string output, double val, double test, ulong seed)
    {
        try
        {
            var (dataset, kind) = DataInspect.Open(path);
            var split = DatasetSplitter.Split(dataset, 1 - val - test, val, test, seed);
            SplitFile.Write(output, split);
            Console.WriteLine($"{kind} dataset, {dataset.Count} items: train {split.Train.Count}, val {split.Val.Count}, test {split.Test.Count} -> {Path.GetFullPath(output)}");
            return 0;
        }
        catch (DatasetException e)
        {
            Console.Error.WriteLine($"data split: {e.Message}");
            return ExitCodes.UsageOrData;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"data split: {e.Message}");
            return 2;
        }
    }
}
