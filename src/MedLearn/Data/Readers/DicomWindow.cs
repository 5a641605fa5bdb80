using MedLearn.Torch;

namespace MedLearn.Data.Readers;

/// <summary>Display windowing of DICOM values (PS3.3 C.11.2.1.2, linear VOI LUT) to [0, 1].</summary>
public static class DicomWindow
{
    /// <summary>
    /// Maps real values (e.g. HU) to float32 in [0, 1]: y = clamp((x - (c - 0.5)) / (w - 1) + 0.5, 0, 1), so values
    /// at or below c - 0.5 - (w - 1) / 2 give 0 and above c - 0.5 + (w - 1) / 2 give 1. NaN stays NaN.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is below 1 (DICOM requires w &gt;= 1).</exception>
    public static Tensor Apply(Tensor values, double center, double width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var denom = Math.Max(width - 1, 1e-12);
        using var scope = DisposeScope.Open();
        var y = values.To(DType.Float32).Sub(center - 0.5).Div(denom).Add(0.5).Clamp(0, 1);
        return scope.MoveToOuter(y);
    }

    /// <summary>
    /// Windows <paramref name="image"/>'s data with its <see cref="ImageMeta.WindowCenter"/>/<see cref="ImageMeta.WindowWidth"/>
    /// (or the given ones); the result has the image's shape ([C, H, W] or [C, D, H, W]) and belongs to the current scope.
    /// </summary>
    /// <exception cref="InvalidOperationException">No window given and none in the metadata.</exception>
    public static Tensor Apply(MedicalImage image, double? center = null, double? width = null)
    {
        var c = center ?? image.Meta.WindowCenter;
        var w = width ?? image.Meta.WindowWidth;
        if (c is null || w is null)
            throw new InvalidOperationException("the image has no WindowCenter/WindowWidth: pass center and width");
        return Apply(image.Data, c.Value, w.Value);
    }
}
