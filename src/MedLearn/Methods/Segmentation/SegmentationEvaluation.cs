using System.Globalization;
using System.Text;
using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Data.Transforms;
using MedLearn.Metrics.Segmentation;
using MedLearn.Morphology;
using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Evaluates a segmentation network on whole volumes: reads image and label (NIfTI, DICOM series, ...), checks that
/// their grids agree and the labels are 0..K−1, segments with <see cref="VolumeSegmenter"/>, computes
/// <see cref="SegmentationCaseMetrics"/> per foreground class (mean over classes for K &gt; 2) with the image spacing,
/// and writes the per-case CSV with the mean ± sd.
/// </summary>
public static class SegmentationEvaluation
{
    /// <summary>Header of the per-case CSV.</summary>
    public const string CsvHeader = "case,dice,jaccard,hd95_mm,asd_mm,assd_mm,hd95_vox,asd_vox,assd_vox,empty";

    /// <summary>Evaluates one case; writes the prediction NIfTI files under <paramref name="predictionsDir"/> when given.</summary>
    /// <exception cref="InvalidDataException">Image and label disagree in shape, spacing or orientation, or label values are not classes 0..K−1 (nor mapped by <paramref name="labelMap"/>); the message names the files.</exception>
    public static SegmentationCaseResult EvaluateCase(Func<Tensor, Tensor> logits, int classes, string imagePath, string labelPath,
        SlidingWindowOptions window, bool largestComponent, string? predictionsDir = null, bool writeProbabilities = false, bool writeUncertainty = false,
        LabelMap? labelMap = null)
    {
        using var scope = DisposeScope.Open();
        using var image = ImageReader.Read(imagePath);
        using var label = ImageReader.Read(labelPath);
        var truth = CheckPair(image, imagePath, label, labelPath, classes, labelMap);
        var prediction = VolumeSegmenter.Predict(logits, image.Data, window, largestComponent);
        var name = CaseName(imagePath);
        if (predictionsDir is not null)
        {
            Directory.CreateDirectory(predictionsDir);
            VolumeSegmenter.Write(prediction, image.Meta, Path.Combine(predictionsDir, name + ".nii.gz"),
                writeProbabilities ? Path.Combine(predictionsDir, name + "_probabilities.nii.gz") : null,
                writeUncertainty ? Path.Combine(predictionsDir, name + "_uncertainty.nii.gz") : null);
        }
        var perClass = new List<SegmentationCaseMetrics>();
        for (var c = 1; c < classes; c++)
            perClass.Add(SegmentationCaseMetrics.Compute(BinaryMask.FromTensor(prediction.Labels.Eq(c), image.Meta.Spacing),
                BinaryMask.FromTensor(truth.Eq(c), image.Meta.Spacing)));
        return new SegmentationCaseResult(name, perClass.Count == 1 ? perClass[0] : Average(perClass));
    }

    /// <summary>
    /// Reads an image and its label file and checks that they can be trained / evaluated on together (the checks of
    /// <see cref="EvaluateCase"/>): same grid shape, spacing, orientation (direction cosines) and origin, a one-channel
    /// integer label map whose values are classes 0..<paramref name="classes"/>−1 — or, with <paramref name="labelMap"/>,
    /// values the map lists and maps into 0..classes−1.
    /// </summary>
    /// <exception cref="InvalidDataException">The first problem found, naming the file(s).</exception>
    public static void CheckCase(string imagePath, string labelPath, int classes, LabelMap? labelMap = null)
    {
        using var scope = DisposeScope.Open();
        using var image = ImageReader.Read(imagePath);
        using var label = ImageReader.Read(labelPath);
        CheckPair(image, imagePath, label, labelPath, classes, labelMap);
    }

    /// <summary>The file name without .nii.gz / .nii / other extension.</summary>
    public static string CaseName(string path)
    {
        var name = Path.GetFileName(path.TrimEnd('/', '\\'));
        foreach (var ext in new[] { ".nii.gz", ".nii", ".nrrd", ".mha", ".npy" })
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return name[..^ext.Length];
        return Path.GetFileNameWithoutExtension(name);
    }

    /// <summary>Tolerance of the geometry comparison: direction cosines to 1e-3, spacing and origin to 1e-3 · max(1, |value|) mm.</summary>
    private static bool Differ(double a, double b) => Math.Abs(a - b) > 1e-3 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    private static string List(double[] v) => "[" + string.Join(", ", v.Select(x => x.ToString("0.####", CultureInfo.InvariantCulture))) + "]";

    /// <summary>The metadata with its affine expressed in RAS (LPS affines get their x and y rows negated; RAS and pixel-space ones are kept).</summary>
    private static ImageMeta InRas(ImageMeta meta)
    {
        if (meta.Space != CoordinateSpace.LPS) return meta;
        var a = (double[])meta.Affine.Clone();
        for (var i = 0; i < 8; i++) a[i] = -a[i];
        return meta with { Affine = a, Space = CoordinateSpace.RAS };
    }

    /// <summary>The checked label map as int64 [1, D, H, W], mapped by <paramref name="labelMap"/> when given.</summary>
    private static Tensor CheckPair(MedicalImage image, string imagePath, MedicalImage label, string labelPath, int classes, LabelMap? labelMap)
    {
        var (data, labels) = (image.Data, label.Data);
        if (data.Dim != 4) throw new InvalidDataException($"{imagePath}: expected a 3-D volume, got shape [{string.Join(", ", data.Shape)}]");
        if (labels.Dim != 4) throw new InvalidDataException($"{labelPath}: expected a 3-D label volume, got shape [{string.Join(", ", labels.Shape)}]");
        if (labels.Size(0) != 1) throw new InvalidDataException($"{labelPath}: a label map needs one channel, got {labels.Size(0)}");
        if (!data.Shape[1..].SequenceEqual(labels.Shape[1..]))
            throw new InvalidDataException($"{labelPath}: label shape [{string.Join(", ", labels.Shape[1..])}] differs from image {imagePath} [{string.Join(", ", data.Shape[1..])}]");
        var (imageSpacing, labelSpacing) = (image.Meta.Spacing, label.Meta.Spacing);
        for (var a = 0; a < Math.Min(imageSpacing.Length, labelSpacing.Length); a++)
            if (Differ(imageSpacing[a], labelSpacing[a]))
                throw new InvalidDataException($"{labelPath}: label spacing {List(labelSpacing)} differs from image {imagePath} {List(imageSpacing)}");
        // Compare in one convention: a DICOM series (LPS) and a NIfTI label (RAS) of the same grid have affines that differ by diag(-1, -1, 1).
        var (imageMeta, labelMeta) = (InRas(image.Meta), InRas(label.Meta));
        var (imageDirection, labelDirection) = (imageMeta.Direction, labelMeta.Direction);
        if (imageDirection.Zip(labelDirection).Any(p => Math.Abs(p.First - p.Second) > 1e-3))
            throw new InvalidDataException($"{labelPath}: label orientation (RAS direction cosines, columns i,j,k) {List(labelDirection)} differs from image {imagePath} {List(imageDirection)}: the label is flipped or permuted relative to the image; resample it onto the image grid");
        var (imageOrigin, labelOrigin) = (imageMeta.Origin, labelMeta.Origin);
        if (imageOrigin.Zip(labelOrigin).Any(p => Differ(p.First, p.Second)))
            throw new InvalidDataException($"{labelPath}: label origin (RAS) {List(labelOrigin)} mm differs from image {imagePath} {List(imageOrigin)} mm: the grids do not cover the same place; resample the label onto the image grid");
        if (labels.To(DType.Float64).Frac().Abs().Max().ToDouble() > 0)
            throw new InvalidDataException($"{labelPath}: label values must be integers (class indices), found fractional values");
        var values = labels.To(DType.Int64);
        if (labelMap is not null)
        {
            var unmapped = labelMap.Unmapped(values);
            if (unmapped.Length > 0)
                throw new InvalidDataException($"{labelPath}: label values {string.Join(", ", unmapped)} are not in the label map {labelMap}");
            if (labelMap.MaxClass > classes - 1)
                throw new InvalidDataException($"{labelPath}: the label map {labelMap} produces class {labelMap.MaxClass}, but the network has classes 0..{classes - 1}");
            return labelMap.Apply(values);
        }
        var present = values.Contiguous().ToArray<long>().ToHashSet();
        var bad = present.Where(v => v < 0 || v > classes - 1).Order().ToArray();
        if (bad.Length > 0)
            throw new InvalidDataException($"{labelPath}: label values {string.Join(", ", bad.Take(10))}{(bad.Length > 10 ? ", ..." : "")} are not classes 0..{classes - 1} " +
                $"(values present: {string.Join(", ", present.Order().Take(10))}); map them explicitly with --label-map (e.g. {string.Join(",", present.Order().Take(10).Select(v => $"{v}:{Math.Min(v, classes - 1)}"))})");
        return values;
    }

    private static SegmentationCaseMetrics Average(List<SegmentationCaseMetrics> m) => new(
        m.Average(x => x.Dice), m.Average(x => x.Jaccard), m.Average(x => x.Hd95Mm), m.Average(x => x.AsdMm), m.Average(x => x.AssdMm),
        m.Average(x => x.Hd95Voxels), m.Average(x => x.AsdVoxels), m.Average(x => x.AssdVoxels),
        m.Any(x => x.Emptiness != MaskEmptiness.None) ? m.First(x => x.Emptiness != MaskEmptiness.None).Emptiness : MaskEmptiness.None);

    /// <summary>
    /// Writes the per-case rows, then "mean" and "sd" rows (sample sd, n − 1) over the cases where each metric is
    /// defined (NaN distances of one-sided empty cases are left out and the column "empty" says which rule applied). Atomic.
    /// </summary>
    public static void WriteCsv(string path, IReadOnlyList<SegmentationCaseResult> cases)
    {
        var sb = new StringBuilder(CsvHeader).Append('\n');
        static string F(double v) => double.IsNaN(v) ? "nan" : v.ToString("0.######", CultureInfo.InvariantCulture);
        foreach (var c in cases)
        {
            var m = c.Metrics;
            sb.Append(Csv(c.Case)).Append(',').AppendJoin(',', Values(m).Select(F)).Append(',').Append(EmptyRule(m.Emptiness)).Append('\n');
        }
        var columns = Enumerable.Range(0, 8).Select(i => cases.Select(c => Values(c.Metrics)[i]).Where(v => !double.IsNaN(v)).ToArray()).ToArray();
        sb.Append("mean,").AppendJoin(',', columns.Select(v => F(v.Length == 0 ? double.NaN : v.Average()))).Append(",\n");
        sb.Append("sd,").AppendJoin(',', columns.Select(v => F(StandardDeviation(v)))).Append(",\n");
        AtomicText.Write(path, sb.ToString());
    }

    /// <summary>Mean and sample standard deviation (n − 1) of the defined values; NaN when none (sd: when fewer than 2).</summary>
    public static (double Mean, double Sd) MeanSd(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        return (v.Length == 0 ? double.NaN : v.Average(), StandardDeviation(v));
    }

    private static double StandardDeviation(double[] v)
    {
        if (v.Length < 2) return double.NaN;
        var mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }

    private static double[] Values(SegmentationCaseMetrics m) => [m.Dice, m.Jaccard, m.Hd95Mm, m.AsdMm, m.AssdMm, m.Hd95Voxels, m.AsdVoxels, m.AssdVoxels];

    private static string EmptyRule(MaskEmptiness e) => e switch
    {
        MaskEmptiness.None => "",
        MaskEmptiness.Both => "both empty: dice 1, distances 0",
        MaskEmptiness.Prediction => "prediction empty: dice 0, distances undefined",
        _ => "ground truth empty: dice 0, distances undefined",
    };

    private static string Csv(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
