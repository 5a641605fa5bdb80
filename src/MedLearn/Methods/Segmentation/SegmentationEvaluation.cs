using System.Globalization;
using System.Text;
using MedLearn.Data.Readers;
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
    /// <exception cref="InvalidDataException">Image and label disagree in shape or spacing, or label values outside 0..K−1 (the message names the files).</exception>
    public static SegmentationCaseResult EvaluateCase(Func<Tensor, Tensor> logits, int classes, string imagePath, string labelPath,
        SlidingWindowOptions window, bool largestComponent, string? predictionsDir = null, bool writeProbabilities = false, bool writeUncertainty = false)
    {
        using var scope = DisposeScope.Open();
        using var image = ImageReader.Read(imagePath);
        using var label = ImageReader.Read(labelPath);
        CheckPair(image.Data, image.Meta.Spacing, imagePath, label.Data, label.Meta.Spacing, labelPath, classes);
        var prediction = VolumeSegmenter.Predict(logits, image.Data, window, largestComponent);
        var name = CaseName(imagePath);
        if (predictionsDir is not null)
        {
            Directory.CreateDirectory(predictionsDir);
            VolumeSegmenter.Write(prediction, image.Meta, Path.Combine(predictionsDir, name + ".nii.gz"),
                writeProbabilities ? Path.Combine(predictionsDir, name + "_probabilities.nii.gz") : null,
                writeUncertainty ? Path.Combine(predictionsDir, name + "_uncertainty.nii.gz") : null);
        }
        var truth = label.Data.To(DType.Int64);
        var perClass = new List<SegmentationCaseMetrics>();
        for (var c = 1; c < classes; c++)
            perClass.Add(SegmentationCaseMetrics.Compute(BinaryMask.FromTensor(prediction.Labels.Eq(c), image.Meta.Spacing),
                BinaryMask.FromTensor(truth.Eq(c), image.Meta.Spacing)));
        return new SegmentationCaseResult(name, perClass.Count == 1 ? perClass[0] : Average(perClass));
    }

    /// <summary>The file name without .nii.gz / .nii / other extension.</summary>
    public static string CaseName(string path)
    {
        var name = Path.GetFileName(path.TrimEnd('/', '\\'));
        foreach (var ext in new[] { ".nii.gz", ".nii", ".nrrd", ".mha", ".npy" })
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return name[..^ext.Length];
        return Path.GetFileNameWithoutExtension(name);
    }

    private static void CheckPair(Tensor image, double[] imageSpacing, string imagePath, Tensor label, double[] labelSpacing, string labelPath, int classes)
    {
        if (image.Dim != 4) throw new InvalidDataException($"{imagePath}: expected a 3-D volume, got shape [{string.Join(", ", image.Shape)}]");
        if (label.Size(0) != 1) throw new InvalidDataException($"{labelPath}: a label map needs one channel, got {label.Size(0)}");
        if (!image.Shape[1..].SequenceEqual(label.Shape[1..]))
            throw new InvalidDataException($"{labelPath}: label shape [{string.Join(", ", label.Shape[1..])}] differs from image {imagePath} [{string.Join(", ", image.Shape[1..])}]");
        for (var a = 0; a < imageSpacing.Length; a++)
            if (Math.Abs(imageSpacing[a] - labelSpacing[a]) > 1e-3 * Math.Max(1, imageSpacing[a]))
                throw new InvalidDataException($"{labelPath}: label spacing [{string.Join(", ", labelSpacing)}] differs from image {imagePath} [{string.Join(", ", imageSpacing)}]");
        var (min, max) = (label.Min().ToDouble(), label.Max().ToDouble());
        if (min < 0 || max > classes - 1 || label.To(DType.Float64).Frac().Abs().Max().ToDouble() > 0)
            throw new InvalidDataException($"{labelPath}: label values must be integers 0..{classes - 1}, found {min}..{max}");
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
