using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Gmic;

/// <summary>
/// Cuts GMIC's patches from the full-resolution input: the patch with upper-left corner (row, column) covers
/// rows row .. row + cropH - 1 and columns column .. column + cropW - 1 of the image; every pixel of it that lies
/// outside the image (past any of the four borders) takes the minimum of that image (over all its channels).
/// Pixels keep their place in the patch. (The authors' code instead shifts the in-image part to the patch's
/// lower-right corner when a crop overflows; the specification's "out-of-range parts filled" is followed here.)
/// One constant-pad per patch (negative pads crop), so the patch stays differentiable with respect to the input.
/// </summary>
public static class PatchCropper
{
    /// <summary>Patches [N * K, C, cropH, cropW] of images [N, C, H, W], image-major in selection order.</summary>
    public static Tensor Crop(Tensor images, IReadOnlyList<IReadOnlyList<RoiWindow>> windows, int cropHeight, int cropWidth)
    {
        if (images.Dim != 4) throw new ArgumentException($"expected images [N, C, H, W], got [{string.Join(", ", images.Shape)}]", nameof(images));
        var shape = images.Shape;
        if (windows.Count != shape[0]) throw new ArgumentException($"{windows.Count} window lists for {shape[0]} images", nameof(windows));
        long height = shape[2], width = shape[3];
        var patches = new List<Tensor>();
        for (var i = 0; i < windows.Count; i++)
        {
            var image = images.Narrow(0, i, 1);
            var fill = image.Min().ToDouble();
            foreach (var win in windows[i])
            {
                long[] pad = [-win.Column, win.Column + cropWidth - width, -win.Row, win.Row + cropHeight - height];
                patches.Add(Functional.Pad(image, pad, PadMode.Constant, fill));
            }
        }
        return torch.Cat(patches, 0);
    }
}
