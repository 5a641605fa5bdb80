using System.Diagnostics;
using System.Globalization;
using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Torch;

namespace MedLearn.DataBench;

/// <summary>
/// Data-pipeline throughput: ImageFolder of JPEGs -> decode -> RandomResizedCrop 224 -> horizontal flip ->
/// ImageNet normalisation -> batches, with N loader workers. Mirrors bench/data/torchvision_loader.py.
/// Prints one "RESULT key=value ..." line.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string? data = null;
        int workers = 2, batch = 32, epochs = 3, threads = Environment.ProcessorCount;
        var pipeline = "full";
        var reduced = true;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--data": data = v; break;
                case "--workers": workers = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--pipeline": pipeline = v; break;
                case "--reduced-decode": reduced = v is "1" or "true" or "on"; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (data is null || epochs < 2)
        {
            Console.Error.WriteLine("usage: MedLearn.DataBench --data DIR [--workers N] [--batch 32] [--epochs >=2] [--threads T]");
            return 2;
        }
        torch.SetNumThreads(threads);
        var dataset = FolderDataset.Load(data);
        double[] mean = [.. Normalize.ImageNetMean.Select(m => m * 255)];
        double[] std = [.. Normalize.ImageNetStd.Select(s => s * 255)];
        // uint8 -> float (0..255), crop+resize, flip, then (x/255 - mean)/std folded into one normalisation.
        // The crop is planned before decoding (crop-aware dataset path): only the box is decoded, at 1/2..1/8 in
        // the DCT domain when it is at least 2..8 x 224 px (PIL draft-mode-like; --reduced-decode off disables it).
        var rrc = new RandomResizedCrop([224, 224]) { AllowReducedDecode = reduced };
        var transform = new Compose(new ToFloat(), rrc, new RandomFlip(0.5), new Normalize(mean, std));
        if (pipeline == "profile") return Profile(dataset, mean, std, rrc);
        if (pipeline == "train") return Train(dataset, transform, workers, batch);
        ITransform? chosen = pipeline switch
        {
            "full" => transform,
            "decode" => null,
            "float" => new ToFloat(),
            "crop" => new Compose(new ToFloat(), new RandomResizedCrop([224, 224])),
            _ => throw new ArgumentException($"--pipeline {pipeline}: full, decode, float, crop, profile or train"),
        };
        var loader = new DataLoader(dataset, chosen, new DataLoaderOptions
        {
            BatchSize = batch,
            Shuffle = true,
            Seed = 1,
            Workers = workers,
            PrefetchDepth = 2,
        });

        // Epoch 0 warms up (JIT, first decodes, file cache); epochs 1.. are timed.
        long images = 0;
        var clock = new Stopwatch();
        double checksum = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            if (epoch == 1) clock.Start();
            foreach (var b in loader.Epoch(epoch))
            {
                using (b)
                {
                    if (epoch > 0) images += b.Count;
                    if (b.Number == 0) checksum += b.Image.Select(0, 0).To(DType.Float32).Mean().ToDouble();
                }
            }
        }
        clock.Stop();
        var ips = images / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT impl=medlearn pipeline={pipeline} reduced_decode={reduced} workers={workers} batch={batch} images={images} seconds={clock.Elapsed.TotalSeconds:F2} img_per_s={ips:F1} files={dataset.Count} checksum={checksum:F4}"));
        return 0;
    }

    /// <summary>
    /// One ResNet-18 training epoch (SGD, fp32, all cores for the model) fed by the DataLoader with
    /// <paramref name="workers"/> workers (1 intra-op thread each): is training input-bound? Reports the loader's
    /// DataWaitFraction (consumer time blocked on the next batch / epoch time).
    /// </summary>
    private static int Train(ImageDataset dataset, ITransform transform, int workers, int batch)
    {
        torch.ManualSeed(0);
        using var model = MedLearn.Models.ResNet.ResNet18(numClasses: dataset.Classes.Count);
        model.Train();
        using var sgd = new MedLearn.Torch.Optim.SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        var loader = new DataLoader(dataset, transform, new DataLoaderOptions
        {
            BatchSize = batch,
            Shuffle = true,
            Seed = 1,
            Workers = workers,
            PrefetchDepth = 2,
            DropLast = true,
        });
        var clock = Stopwatch.StartNew();
        double loss = 0;
        var steps = 0;
        foreach (var b in loader.Epoch(0))
        {
            using (b)
            {
                using var scope = DisposeScope.Open();
                sgd.ZeroGrad();
                var l = MedLearn.Torch.Nn.Functional.CrossEntropy(model.Forward(b.Image), b.Labels);
                l.Backward();
                sgd.Step();
                loss = l.ToDouble();
                steps++;
            }
        }
        clock.Stop();
        var s = loader.Statistics;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT impl=medlearn pipeline=train workers={workers} batch={batch} steps={steps} seconds={clock.Elapsed.TotalSeconds:F1} " +
            $"step_s={clock.Elapsed.TotalSeconds / Math.Max(1, steps):F2} data_wait_s={s.DataWait.TotalSeconds:F3} data_wait_fraction={s.DataWaitFraction:F4} loss={loss:F4}"));
        return 0;
    }

    /// <summary>Single-thread time per stage (ms/image) over the dataset, to see where the pipeline spends.</summary>
    private static int Profile(ImageDataset dataset, double[] mean, double[] std, RandomResizedCrop planned)
    {
        Console.WriteLine("-- full decode path (reader + Compose.Apply)");
        var names = new[] { "read file", "decode", "hwc->chw", "to float", "rrc", "flip", "normalize" };
        var ticks = new long[names.Length];
        var rrc = new RandomResizedCrop([224, 224]);
        var flip = new RandomFlip(1.0);
        var norm = new Normalize(mean, std);
        for (var pass = 0; pass < 2; pass++)
        {
            Array.Clear(ticks);
            for (var i = 0; i < dataset.Count; i++)
            {
                using var scope = DisposeScope.Open();
                using var ctx = TransformContext.For(1, pass, i, 0);
                var t = Stopwatch.GetTimestamp();
                void Lap(int k) { var now = Stopwatch.GetTimestamp(); ticks[k] += now - t; t = now; }
                var bytes = File.ReadAllBytes(dataset[i].Path); Lap(0);
                var hwc = MedLearn.Torch.Vision.ImageCodec.Decode(bytes).Pixels; Lap(1);
                var sample = new MedLearn.Data.Sample { Image = hwc.Permute(2, 0, 1).Contiguous() }; Lap(2);
                sample = new ToFloat().Apply(sample, ctx); Lap(3);
                sample = rrc.Apply(sample, ctx); Lap(4);
                sample = flip.Apply(sample, ctx); Lap(5);
                sample = norm.Apply(sample, ctx); Lap(6);
            }
        }
        for (var k = 0; k < names.Length; k++)
            Console.WriteLine($"{names[k],-10} {ticks[k] * 1000.0 / Stopwatch.Frequency / dataset.Count:F3} ms/image");
        Console.WriteLine($"-- crop-aware path (header, plan, region decode; reduced decode {planned.AllowReducedDecode})");
        names = ["read+hdr", "plan", "region dec", "to float", "resize", "flip", "normalize"];
        ticks = new long[names.Length];
        var reduces = new int[9];
        for (var pass = 0; pass < 2; pass++)
        {
            Array.Clear(ticks);
            Array.Clear(reduces);
            for (var i = 0; i < dataset.Count; i++)
            {
                using var scope = DisposeScope.Open();
                using var ctx = TransformContext.For(1, pass, i, 0);
                var t = Stopwatch.GetTimestamp();
                void Lap(int k) { var now = Stopwatch.GetTimestamp(); ticks[k] += now - t; t = now; }
                var source = MedLearn.Data.Readers.RasterImageReader.OpenRegion(File.ReadAllBytes(dataset[i].Path), dataset[i].Path)!; Lap(0);
                var plan = planned.PlanCrop(source.Height, source.Width, ctx)!.Value; Lap(1);
                var (region, reduce) = source.ReadRegion(plan.Top, plan.Left, plan.Height, plan.Width, plan.Reduce);
                reduces[reduce]++;
                var sample = new MedLearn.Data.Sample { Image = region.Data.Alias(), Meta = region.Meta };
                region.Dispose(); Lap(2);
                sample = new ToFloat().Apply(sample, ctx); Lap(3);
                sample = planned.ApplyPlanned(sample, plan, reduce, ctx); Lap(4);
                sample = flip.Apply(sample, ctx); Lap(5);
                sample = norm.Apply(sample, ctx); Lap(6);
            }
        }
        for (var k = 0; k < names.Length; k++)
            Console.WriteLine($"{names[k],-10} {ticks[k] * 1000.0 / Stopwatch.Frequency / dataset.Count:F3} ms/image");
        Console.WriteLine($"reduce 1/2/4/8: {reduces[1]}/{reduces[2]}/{reduces[4]}/{reduces[8]}");
        return 0;
    }
}
