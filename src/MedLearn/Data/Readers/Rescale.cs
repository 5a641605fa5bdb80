using MedLearn.Torch;

namespace MedLearn.Data.Readers;

/// <summary>Intensity rescaling shared by the DICOM and NIfTI readers: value = stored * slope + intercept.</summary>
internal static class Rescale
{
    /// <summary>
    /// stored * slope + intercept computed in float64, then cast to <paramref name="type"/> (float32 unless the data
    /// is float64 or the options ask for float64). Overflow rule: when a finite stored value gives a result outside
    /// the target type's finite range, the read fails with <see cref="ImageReadException"/> naming the factors;
    /// infinities and NaN already in float data pass through.
    /// </summary>
    public static Tensor Apply(string path, Tensor raw, double slope, double intercept, DType type)
    {
        if (!double.IsFinite(slope) || !double.IsFinite(intercept))
            throw new ImageReadException(path, $"rescale slope/intercept ({slope}, {intercept}) are not finite numbers");
        var wide = raw.To(DType.Float64).Mul(slope).Add(intercept);
        if (type == DType.Float64) return wide;
        if (wide.Abs().Gt(float.MaxValue).LogicalAnd(raw.IsFinite()).Any().ToDouble() != 0)
            throw new ImageReadException(path,
                $"rescaled values (stored x {slope:G6} + {intercept:G6}) exceed the float32 range (|x| > 3.4e38); " +
                "read with ImageReadOptions { RescaledType = DType.Float64 } to keep them, or fix the scaling in the header");
        return wide.To(DType.Float32);
    }
}
