using MedLearn.Torch;

namespace MedLearn.Data.Synthetic;

/// <summary>Conversions of [0, 1] float phantoms to the integer storage types image files use.</summary>
public static class SynthImages
{
    /// <summary>round(clamp(x, 0, 1) · 255) as uint8 (8-bit PNG/JPEG samples).</summary>
    public static Tensor ToUInt8(Tensor unit)
    {
        using var scope = DisposeScope.Open();
        return scope.MoveToOuter(unit.Clamp(0, 1).Mul(255).Round().To(DType.UInt8));
    }

    /// <summary>
    /// round(clamp(x, 0, 1) · 65535) as int32 — MedLearn's carrier for 16-bit samples (libtorch 1.13 has no
    /// uint16; see <see cref="MedicalImage"/>).
    /// </summary>
    public static Tensor ToUInt16Range(Tensor unit)
    {
        using var scope = DisposeScope.Open();
        return scope.MoveToOuter(unit.Clamp(0, 1).Mul(65535).Round().To(DType.Int32));
    }
}
