using System.Diagnostics;
using System.Globalization;
using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Training;

namespace MedLearn.EpochBench;

/// <summary>
/// One full training epoch end to end (PNG decode + augmentation in the DataLoader's workers + ResNet-18 train
/// steps) through the real training spine: <see cref="FolderDataset"/> → <see cref="DataLoader"/> with
/// <see cref="ClassificationTransforms.Train"/> → <see cref="Trainer"/> driving a
/// <see cref="SupervisedClassificationTask"/> over <c>ModelRegistry.Create("resnet18", classes)</c> with the
/// classification method's SGD. The PyTorch twin is bench/epoch/torch_epoch.py; bench/epoch/run.sh drives both.
/// Prints one "RESULT key=value ..." line.
/// </summary>
/// <remarks>
/// Modes: <c>train</c> (default) times <see cref="Trainer.Fit"/> (model and optimiser are built before the clock
/// starts; the loader's start-up, the precision plan's layout change and every step are inside it);
/// <c>loader</c> times the same loader alone (no model), to separate input cost from compute; <c>profile</c> times
/// each stage of the per-sample pipeline on the calling thread (ms per image; run with <c>--threads 1</c>).
/// Precision: <c>auto</c> (the default of <see cref="TrainerOptions"/>), <c>fp32</c> (float32, channels-last, as
/// <see cref="Precision.Fp32"/> resolves on the CPU), <c>fp32-nchw</c> (float32 with <c>SpatialDims = 0</c>, i.e.
/// contiguous NCHW like PyTorch's default), <c>bf16</c>.
/// </remarks>
internal static class Program
{
    private static int Main(string[] args)
    {
        var o = new Dictionary<string, string>
        {
            ["mode"] = "train", ["precision"] = "auto", ["workers"] = "2", ["threads"] = "", ["batch"] = "16",
            ["epochs"] = "1", ["lr"] = "0.001", ["momentum"] = "0.9", ["seed"] = "0", ["worker-threads"] = "1",
            ["prefetch"] = "2",
        };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length || !o.ContainsKey(args[i][2..]) && args[i] != "--data")
            {
                Console.Error.WriteLine($"bad argument {args[i]}");
                Console.Error.WriteLine("usage: MedLearn.EpochBench --data DIR [--mode train|loader] [--precision auto|fp32|fp32-nchw|bf16] [--workers 2] " +
                    "[--threads T] [--batch 16] [--epochs 1] [--lr 0.001] [--momentum 0.9] [--seed 0] [--worker-threads 1] [--prefetch 2]");
                return 2;
            }
            o[args[i][2..]] = args[i + 1];
        }
        if (!o.TryGetValue("data", out var data))
        {
            Console.Error.WriteLine("--data DIR is required");
            return 2;
        }
        int Int(string key) => int.Parse(o[key], CultureInfo.InvariantCulture);
        double Dbl(string key) => double.Parse(o[key], CultureInfo.InvariantCulture);

        // Must precede every torch call: libtorch fixes the main thread's intra-op count at first use.
        if (o["threads"].Length > 0) TorchSettings.InitialThreads = Int("threads");

        // Loads libtorch and the shim (hundreds of ms) before any clock starts, as `import torch` does on the Python side.
        torch.ManualSeed(0);
        var dataset = ClassificationSetup.LoadDataset(data);
        var options = new ClassificationTrainingOptions
        {
            Data = data,
            Model = "resnet18",
            BatchSize = Int("batch"),
            Optimizer = "sgd",
            LearningRate = Dbl("lr"),
            Momentum = Dbl("momentum"),
            Seed = ulong.Parse(o["seed"], CultureInfo.InvariantCulture),
            Workers = Int("workers"),
            Epochs = Int("epochs"),
        };
        var manifest = ClassificationSetup.Manifest(options, dataset.Classes);
        var transform = ClassificationTransforms.Train(manifest, options.CropScale, options.CropRatio, options.HorizontalFlip);
        var loader = new DataLoader(dataset, transform, new DataLoaderOptions
        {
            BatchSize = options.BatchSize,
            Shuffle = true,
            Seed = options.Seed,
            Workers = options.Workers,
            WorkerIntraOpThreads = Int("worker-threads"),
            PrefetchDepth = Int("prefetch"),
        });
        var common = string.Create(CultureInfo.InvariantCulture,
            $"workers={options.Workers} worker_threads={Int("worker-threads")} prefetch={Int("prefetch")} batch={options.BatchSize} epochs={options.Epochs} files={dataset.Count}");
        return o["mode"] switch
        {
            "train" => Train(dataset, loader, options, o["precision"], common),
            "loader" => LoaderOnly(loader, options.Epochs, common),
            "profile" => Profile(dataset, manifest, options),
            _ => Fail($"--mode {o["mode"]}: train, loader or profile"),
        };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    /// <summary>Trainer.Fit over <paramref name="options"/>.Epochs epochs, timed, with the loader's wait statistics.</summary>
    private static int Train(ImageDataset dataset, DataLoader loader, ClassificationTrainingOptions options, string precisionName, string common)
    {
        var (precision, spatialDims) = precisionName switch
        {
            "auto" => (Precision.Auto, 2),
            "fp32" => (Precision.Fp32, 2),
            "fp32-nchw" => (Precision.Fp32, 0),
            "bf16" => (Precision.Bf16, 2),
            _ => throw new ArgumentException($"--precision {precisionName}: auto, fp32, fp32-nchw or bf16"),
        };
        torch.ManualSeed(options.Seed);
        using var model = ModelRegistry.Create(options.Model, dataset.Classes.Count, options.Channels);
        using var optimizer = ClassificationSetup.Optimizer(model, options);
        var task = new SupervisedClassificationTask(model, dataset.Classes.Count);
        var steps = new StepClock();
        var trainer = new Trainer(task, optimizer, schedule: null, new TrainerOptions
        {
            Epochs = options.Epochs,
            Precision = precision,
            SpatialDims = spatialDims,
            Seed = options.Seed,
            MonitorMetric = "train_loss",
            MonitorGoal = MetricGoal.Minimize,
        }, [steps]);

        var rssBefore = StatusMb("VmRSS");
        var clock = Stopwatch.StartNew();
        steps.Start();
        var result = trainer.Fit(loader, validation: null);
        clock.Stop();
        if (result.Status != TrainingStatus.Completed) return Fail($"training ended {result.Status}: {result.Message}");

        var seconds = clock.Elapsed.TotalSeconds;
        var images = loader.Statistics.SamplesLoaded;
        var stats = loader.Statistics;
        var wait = stats.DataWait.TotalSeconds;
        var stepCount = Math.Max(1, steps.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT impl=medlearn mode=train precision={precisionName} plan=\"{steps.Plan}\" threads={torch.NumThreads} {common} " +
            $"images={images} seconds={seconds:F2} img_per_s={images / seconds:F2} first_epoch_s={result.History[0].Seconds:F2} " +
            $"steps={steps.Count} data_wait_s={wait:F3} data_wait_fraction={stats.DataWaitFraction:F4} first_step_s={steps.First:F3} " +
            $"compute_s_per_step={(seconds - wait) / stepCount:F4} median_step_s={steps.Median:F4} " +
            $"loss={result.History[^1].Get("train_loss"):F4} peak_rss_mb={StatusMb("VmHWM"):F0} rss_before_mb={rssBefore:F0}"));
        return 0;
    }

    /// <summary>The loader alone, with the same transform and settings: the input side's ceiling.</summary>
    private static int LoaderOnly(DataLoader loader, int epochs, string common)
    {
        var clock = Stopwatch.StartNew();
        for (var epoch = 0; epoch < epochs; epoch++)
            foreach (var b in loader.Epoch(epoch))
                b.Dispose();
        clock.Stop();
        var images = loader.Statistics.SamplesLoaded;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT impl=medlearn mode=loader threads={torch.NumThreads} {common} images={images} seconds={clock.Elapsed.TotalSeconds:F2} " +
            $"img_per_s={images / clock.Elapsed.TotalSeconds:F2} peak_rss_mb={StatusMb("VmHWM"):F0}"));
        return 0;
    }

    /// <summary>
    /// Single-thread cost of each stage of what a loader worker does per sample (file read, decode to [C, H, W],
    /// then the stages of <see cref="ClassificationTransforms.Train"/> one by one), two passes over the data set: the
/// second is the steady state, the first includes one-off start-up costs (JIT, first native calls).
    /// </summary>
    private static int Profile(ImageDataset dataset, ClassifierManifest manifest, ClassificationTrainingOptions options)
    {
        var train = (MedLearn.Data.Transforms.Compose)ClassificationTransforms.Train(manifest, options.CropScale, options.CropRatio, options.HorizontalFlip);
        var names = new List<string> { "read file", "decode (chw)" };
        names.AddRange(train.Transforms.Select(t => t.GetType().Name));
        var ticks = new long[names.Count];
        var firstPass = new long[names.Count];
        long firstSample = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            if (pass == 1) Array.Copy(ticks, firstPass, ticks.Length);
            Array.Clear(ticks);
            for (var i = 0; i < dataset.Count; i++)
            {
                using var scope = DisposeScope.Open();
                using var ctx = MedLearn.Data.Transforms.TransformContext.For(options.Seed, pass, i, 0);
                var t = Stopwatch.GetTimestamp();
                void Lap(int k)
                {
                    var now = Stopwatch.GetTimestamp();
                    ticks[k] += now - t;
                    t = now;
                }
                var bytes = File.ReadAllBytes(dataset[i].Path); Lap(0);
                var img = MedLearn.Data.Readers.RasterImageReader.Decode(bytes, dataset[i].Path);
                var sample = new MedLearn.Data.Sample { Image = img.Data.Alias(), Meta = img.Meta };
                img.Dispose(); Lap(1);
                for (var k = 0; k < train.Transforms.Count; k++)
                {
                    sample = train.Transforms[k].Apply(sample, ctx);
                    Lap(k + 2);
                }
                if (pass == 0 && i == 0) firstSample = ticks.Sum();
            }
        }
        var total = ticks.Sum() * 1000.0 / Stopwatch.Frequency / dataset.Count;
        static double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        for (var k = 0; k < names.Count; k++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PROFILE impl=medlearn stage={names[k]} ms_per_image={Ms(ticks[k]) / dataset.Count:F3} first_pass_ms_per_image={Ms(firstPass[k]) / dataset.Count:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PROFILE impl=medlearn stage=first-sample ms={Ms(firstSample):F1} first_pass_total_ms={Ms(firstPass.Sum()):F1} second_pass_total_ms={Ms(ticks.Sum()):F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PROFILE impl=medlearn stage=total ms_per_image={total:F3} threads={torch.NumThreads}"));
        return 0;
    }

    private static double StatusMb(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>Wall time between consecutive optimiser steps (includes any wait for data), and the resolved plan.</summary>
    private sealed class StepClock : ITrainingCallback
    {
        private readonly List<double> _intervals = [];
        private long _last;

        public string Plan { get; private set; } = "";

        public int Count => _intervals.Count;

        /// <summary>Time from the start of Fit to the end of the first step (plan set-up, first batch's load, first step).</summary>
        public double First => _intervals.Count > 0 ? _intervals[0] : double.NaN;

        public double Median
        {
            get
            {
                if (_intervals.Count == 0) return double.NaN;
                var sorted = _intervals.Order().ToArray();
                return sorted[sorted.Length / 2];
            }
        }

        public void Start() => _last = Stopwatch.GetTimestamp();

        public void OnTrainingStart(TrainingStart start) => Plan = start.PrecisionDescription;

        public void OnStep(StepReport step)
        {
            var now = Stopwatch.GetTimestamp();
            _intervals.Add(Stopwatch.GetElapsedTime(_last, now).TotalSeconds);
            _last = now;
        }
    }
}
