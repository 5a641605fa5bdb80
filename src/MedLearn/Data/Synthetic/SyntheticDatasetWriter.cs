using MedLearn.Torch.Serialization;
using System.Globalization;
using System.Text;
using MedLearn.Data.Writers;
using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Data.Synthetic;

/// <summary>Progress of a synthetic dataset write: files written so far out of the total.</summary>
/// <param name="Done">Samples written.</param>
/// <param name="Total">Samples to write.</param>
/// <param name="LastPath">The last image written.</param>
public readonly record struct SynthProgress(int Done, int Total, string LastPath);

/// <summary>
/// Writes synthetic datasets as ordinary files in the layouts MedLearn's readers and datasets expect. Every
/// file is written atomically (temporary file in the same folder, then rename), so an interrupted run never
/// leaves a truncated image behind. Sample i of a dataset is always the phantom with index i, so a dataset is
/// reproducible from (seed, count, size).
/// </summary>
public static class SyntheticDatasetWriter
{
    /// <summary>File of a synthetic ROP folder holding its task settings (ordinal, class order).</summary>
    public const string RopTaskFileName = "task.yaml";

    /// <summary>The task settings of ROP staging: ordered stages, lowest first.</summary>
    public static string RopTaskYaml { get; } =
        "# ROP staging: the classes are ordered stages (use with --config; flags and --set override)\n" +
        "ordinal: true\n" +
        $"class-order: [{string.Join(", ", RopPhantomGenerator.ClassNames)}]\n";

    /// <summary>
    /// ROP classification data: <c>dir/&lt;class&gt;/rop_NNNNN.png</c> with class folders normal, stage1, stage2,
    /// stage3 (balanced: sample i has stage i mod 4). <paramref name="format"/> PNG (lossless) or JPEG. Also writes
    /// <c>dir/task.yaml</c> (<see cref="RopTaskFileName"/>): the training settings of an ordinal task in stage order
    /// (<c>ordinal: true</c>, <c>class-order: [normal, stage1, stage2, stage3]</c>) for <c>--config</c>.
    /// </summary>
    /// <returns>The image paths, in index order.</returns>
    public static IReadOnlyList<string> WriteRop(string dir, int count, RopPhantomOptions options,
        ImageFormat format = ImageFormat.Png, int jpegQuality = 95, IProgress<SynthProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        CheckCount(count);
        var generator = new RopPhantomGenerator(options);
        WriteAtomic(Path.Combine(dir, RopTaskFileName), Encoding.UTF8.GetBytes(RopTaskYaml));
        foreach (var name in RopPhantomGenerator.ClassNames) Directory.CreateDirectory(Path.Combine(dir, name));
        var ext = format switch
        {
            ImageFormat.Png => ".png",
            ImageFormat.Jpeg => ".jpg",
            _ => throw new ArgumentException("ROP images are written as PNG or JPEG", nameof(format)),
        };
        var paths = new string[count];
        ForEachIndex(count, i =>
        {
            var stage = RopPhantomGenerator.StageOf(i);
            var path = Path.Combine(dir, RopPhantomGenerator.ClassNames[(int)stage], $"rop_{i:D5}{ext}");
            var hwc = SynthImages.ToUInt8(generator.Generate(i, stage)).Permute(1, 2, 0);
            WriteAtomic(path, ImageCodec.Encode(hwc, format, format == ImageFormat.Jpeg ? jpegQuality : -1));
            paths[i] = path;
            return path;
        }, progress, cancellationToken);
        return paths;
    }

    /// <summary>
    /// Screening data: <c>dir/images/mammo_NNNNN.png</c> (16-bit gray), <c>dir/masks/mammo_NNNNN.png</c> (8-bit,
    /// 0/255) and <c>dir/labels.csv</c> with columns <c>path,label,mask</c> (relative paths; label 0 = no lesion,
    /// 1 = lesion present), readable by the manifest dataset. With two views per breast the CSV also has
    /// <c>patient,exam,view,laterality</c> (see <see cref="MammoPhantomOptions.ViewsPerBreast"/>).
    /// </summary>
    /// <returns>The image paths, in index order.</returns>
    public static IReadOnlyList<string> WriteMammo(string dir, int count, MammoPhantomOptions options,
        IProgress<SynthProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckCount(count);
        var generator = new MammoPhantomGenerator(options);
        Directory.CreateDirectory(Path.Combine(dir, "images"));
        Directory.CreateDirectory(Path.Combine(dir, "masks"));
        var paths = new string[count];
        var labels = new int[count];
        ForEachIndex(count, i =>
        {
            var name = $"mammo_{i:D5}.png";
            var path = Path.Combine(dir, "images", name);
            var sample = generator.Generate(i);
            labels[i] = sample.Label;
            WriteAtomic(path, ImageCodec.Encode(SynthImages.ToUInt16Range(sample.Image).Permute(1, 2, 0), ImageFormat.Png));
            WriteAtomic(Path.Combine(dir, "masks", name), ImageCodec.Encode(sample.Mask.Mul(255).To(DType.UInt8).Permute(1, 2, 0), ImageFormat.Png));
            paths[i] = path;
            return path;
        }, progress, cancellationToken);
        var views = options.ViewsPerBreast == 2;
        var csv = new StringBuilder(views ? "path,label,mask,patient,exam,view,laterality\n" : "path,label,mask\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"images/mammo_{i:D5}.png,{labels[i]},masks/mammo_{i:D5}.png");
            if (views) csv.Append(CultureInfo.InvariantCulture, $",p{generator.ExamOf(i):D4},e{generator.ExamOf(i):D4},{generator.ViewOf(i)},{generator.LateralityOf(i)}");
            csv.Append('\n');
        }
        WriteAtomic(Path.Combine(dir, "labels.csv"), Encoding.UTF8.GetBytes(csv.ToString()));
        return paths;
    }

    /// <summary>
    /// Segmentation volumes in the Decathlon layout: <c>dir/imagesTr/vol_NNNN.nii.gz</c> (float32) and
    /// <c>dir/labelsTr/vol_NNNN.nii.gz</c> (uint8 0/1), with the generator's spacing in the header.
    /// </summary>
    /// <returns>The image paths, in index order.</returns>
    public static IReadOnlyList<string> WriteVolumes(string dir, int count, VolumePhantomOptions options,
        IProgress<SynthProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckCount(count);
        var generator = new VolumePhantomGenerator(options);
        Directory.CreateDirectory(Path.Combine(dir, "imagesTr"));
        Directory.CreateDirectory(Path.Combine(dir, "labelsTr"));
        var paths = new string[count];
        ForEachIndex(count, i =>
        {
            var name = $"vol_{i:D4}.nii.gz";
            var path = Path.Combine(dir, "imagesTr", name);
            var sample = generator.Generate(i);
            NiftiWriter.Write(sample.Image, sample.Meta, path);
            NiftiWriter.Write(sample.Mask, sample.Meta with { BitsStored = 8 }, Path.Combine(dir, "labelsTr", name));
            paths[i] = path;
            return path;
        }, progress, cancellationToken);
        return paths;
    }

    /// <summary>
    /// Runs <paramref name="write"/> for every index on all cores, each worker with ONE intra-op thread: the
    /// generators issue many small tensor ops, which multi-threaded OpenMP only slows down (and a loaded machine
    /// makes spin-waiting threads far slower). Samples are seeded by index, so the files do not depend on the
    /// scheduling; progress is reported once per sample in index order.
    /// </summary>
    private static void ForEachIndex(int count, Func<int, string> write, IProgress<SynthProgress>? progress, CancellationToken cancellationToken)
    {
        // Progress is reported in index order (once per sample) whatever order the workers finish in.
        var written = new string?[count];
        var next = 0;
        var gate = new object();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        // One intra-op thread per worker, restored afterwards: Parallel.For also runs on the calling thread (and on pool
        // threads), which would otherwise keep one thread for whatever they run next (e.g. training after synthesis).
        Parallel.For(0, count, options, () => { var own = torch.ThreadNumThreads; torch.SetThreadNumThreads(1); return own; }, (i, _, local) =>
        {
            string path;
            using (DisposeScope.Open()) path = write(i);
            lock (gate)
            {
                written[i] = path;
                while (next < count && written[next] is { } done)
                {
                    next++;
                    progress?.Report(new SynthProgress(next, count, done));
                }
            }
            return local;
        }, own => torch.SetThreadNumThreads(own));
    }

    private static void CheckCount(int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), "count must be positive");
    }

    /// <summary>Writes <paramref name="bytes"/> atomically (temporary sibling, then rename).</summary>
    private static void WriteAtomic(string path, byte[] bytes) => AtomicFile.Write(path, s => s.Write(bytes), durable: false, createDirectory: true);
}
