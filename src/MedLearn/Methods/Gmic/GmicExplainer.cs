using MedLearn.Data.Writers;
using MedLearn.Explain;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// Writes the explanation of one GMIC prediction to a folder, every file atomically, named <c>STEM.*</c>:
/// <list type="bullet">
/// <item><c>STEM.saliency-OUTPUT.png</c> per output: the network input | the input blended with the saliency map
/// (upsampled to input size by nearest neighbour, <see cref="HeatColourMap"/> from 0 to 1, α = 0.5) | colour bar
/// (<see cref="SaliencyOverlay"/>);</item>
/// <item><c>STEM.boxes.png</c>: the input | the K boxes coloured by attention weight from 0 to the image's largest
/// weight, labelled with their rank (1 = first retrieved) | colour bar (<see cref="RoiBoxOverlay"/>);</item>
/// <item><c>STEM.patch-R.png</c> per box (rank R, from 1): the patch as the local network sees it, in the gray scale of
/// the whole image;</item>
/// <item><c>STEM.json</c>: <see cref="GmicExplanation"/>.</item>
/// </list>
/// The input is shown in gray by min-max scaling the preprocessed image to [0, 1]. With <c>maxSide</c> the pictures
/// (not the patches) are shrunk so the longer side of the image is at most that (area average for the image, nearest
/// for the map, box corners scaled and rounded), for reports.
/// </summary>
public static class GmicExplainer
{
    /// <summary>Predicts <paramref name="path"/> with <paramref name="predictor"/> and writes its files into <paramref name="folder"/>.</summary>
    /// <exception cref="IOException">The image cannot be read, or a file cannot be written.</exception>
    public static GmicExplanation Write(GmicPredictor predictor, string path, string folder, string stem, string? trueLabel = null, int? maxSide = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        using var scope = DisposeScope.Open();
        var input = predictor.Preprocess(path);
        var result = predictor.Predict(input, path);
        return Write(input, result, folder, stem, predictor.Manifest.Preprocessing, trueLabel, maxSide);
    }

    /// <summary>Writes the files of an existing prediction <paramref name="result"/> of the network input <paramref name="input"/> [1, H, W].</summary>
    public static GmicExplanation Write(Tensor input, GmicImageResult result, string folder, string stem, string preprocessing, string? trueLabel = null, int? maxSide = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(folder);
        using var scope = DisposeScope.Open();
        var x = (input.Dim == 4 ? input.Squeeze(0) : input).To(DType.Float32);
        var (lo, hi) = (x.Min().ToDouble(), x.Max().ToDouble());
        var range = hi > lo ? hi - lo : 1;
        var display = Display(x);
        var maps = result.SaliencyAtInput();
        var factor = maxSide is { } m && Math.Max(result.InputHeight, result.InputWidth) > m ? (double)m / Math.Max(result.InputHeight, result.InputWidth) : 1.0;
        if (factor < 1)
        {
            long[] size = [Math.Max(1, (long)Math.Round(result.InputHeight * factor)), Math.Max(1, (long)Math.Round(result.InputWidth * factor))];
            display = Functional.Interpolate(display.Unsqueeze(0), size, mode: InterpolateMode.Area).Squeeze(0);
            maps = Functional.Interpolate(maps.Unsqueeze(0), size, mode: InterpolateMode.Nearest).Squeeze(0);
        }
        var overlays = new Dictionary<string, string>();
        var saliencyMax = new Dictionary<string, double>();
        for (var o = 0; o < result.Outputs.Count; o++)
        {
            var name = result.Outputs[o];
            var file = $"{stem}.saliency-{FileSafe(name)}.png";
            AtomicText.Write(Path.Combine(folder, file), SaliencyOverlayPng(display, maps.Select(0, o)));
            overlays[name] = file;
            saliencyMax[name] = result.GridSaliency.Skip(o * result.GridHeight * result.GridWidth).Take(result.GridHeight * result.GridWidth).DefaultIfEmpty().Max();
        }
        var boxesFile = $"{stem}.boxes.png";
        AtomicText.Write(Path.Combine(folder, boxesFile), BoxesPng(display, result.Boxes, factor));

        var patches = ((GmicPredictor.Patches(x, result) - lo) / range * 255).Round().Clamp(0, 255).To(DType.UInt8);
        var explained = new List<GmicExplainedBox>();
        foreach (var b in result.Boxes)
        {
            var file = $"{stem}.patch-{b.Rank + 1}.png";
            AtomicText.Write(Path.Combine(folder, file), PngWriter.Encode(patches.Select(0, b.Rank)));
            explained.Add(new GmicExplainedBox(b.Rank, b.Row, b.Column, b.Height, b.Width, b.Attention, file));
        }
        Dictionary<string, double> ByName(float[] v) => result.Outputs.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => (double)v[t.i]);
        var explanation = new GmicExplanation(result.Path ?? stem, trueLabel, result.Head, result.Views, ByName(result.Probabilities), ByName(result.Fusion),
            ByName(result.Global), ByName(result.Local), result.Outputs[result.TopOutput], result.InputHeight, result.InputWidth, preprocessing, "nearest",
            saliencyMax, overlays, boxesFile, explained);
        MetricsFile.Write(Path.Combine(folder, $"{stem}.json"), explanation);
        return explanation;
    }

    /// <summary>The network input [1, H, W] (or [H, W]) shown in gray: min-max scaled to [0, 1] (a constant image is 0).</summary>
    public static Tensor Display(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = DisposeScope.Open();
        var x = input.To(DType.Float32);
        var (lo, hi) = (x.Min().ToDouble(), x.Max().ToDouble());
        return scope.MoveToOuter(((x - lo) / (hi > lo ? hi - lo : 1)).Clamp(0, 1));
    }

    /// <summary>The picture of <c>STEM.saliency-OUTPUT.png</c>: <paramref name="display"/> | blended with <paramref name="map"/> (0 to 1) | colour bar.</summary>
    public static byte[] SaliencyOverlayPng(Tensor display, Tensor map) => SaliencyOverlay.EncodePng(display, map, new OverlayOptions { Min = 0, Max = 1 });

    /// <summary>
    /// The picture of <c>STEM.boxes.png</c>: <paramref name="display"/> | the boxes coloured by attention and labelled by rank
    /// | colour bar; box corners scaled by <paramref name="factor"/> (the display's size over the input's) and rounded.
    /// </summary>
    public static byte[] BoxesPng(Tensor display, IReadOnlyList<GmicBox> boxes, double factor = 1)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        int Scaled(int v) => (int)Math.Round(v * factor, MidpointRounding.ToEven);
        var weighted = boxes.Select(b => new WeightedBox(Scaled(b.Row), Scaled(b.Column), Math.Max(1, Scaled(b.Height)), Math.Max(1, Scaled(b.Width)), b.Attention,
            (b.Rank + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        return RoiBoxOverlay.EncodePng(display, weighted);
    }

    /// <summary><paramref name="name"/> with every character other than a letter, digit, '-' or '_' replaced by '_'.</summary>
    public static string FileSafe(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
