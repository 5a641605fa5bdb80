namespace MedLearn.Data;

/// <summary>World coordinate convention of an image's affine.</summary>
public enum CoordinateSpace
{
    /// <summary>No physical geometry (photographs): the affine is the pixel grid.</summary>
    Pixel = 0,
    /// <summary>Right-Anterior-Superior, as NIfTI stores it.</summary>
    RAS = 1,
    /// <summary>Left-Posterior-Superior, DICOM's patient coordinate system.</summary>
    LPS = 2,
}

/// <summary>
/// Geometry and provenance carried next to an image tensor (MONAI MetaTensor-style). Never holds patient
/// identifiers: readers copy only geometry and acquisition facts.
/// </summary>
/// <remarks>
/// Axis conventions. Image tensors are channel-first: <c>[C, H, W]</c> for 2-D and <c>[C, D, H, W]</c> for
/// 3-D, where W runs along the file's first (fastest, "i" / column / x) index, H along the second ("j" / row),
/// D along the third ("k" / slice). <see cref="Spacing"/> is given in TENSOR order (<c>[sy, sx]</c> or
/// <c>[sz, sy, sx]</c>). <see cref="Affine"/> maps FILE voxel indices <c>(i, j, k, 1)</c> — i.e. (W, H, D) —
/// to world millimetres in <see cref="Space"/>, as NIfTI's sform and DICOM's IOP/IPP do.
/// </remarks>
public sealed record ImageMeta
{
    /// <summary>File (or series folder) the image was read from.</summary>
    public string? SourcePath { get; init; }

    /// <summary>2 for images, 3 for volumes.</summary>
    public int SpatialDims { get; init; } = 2;

    /// <summary>Voxel size per spatial axis in tensor order (mm for DICOM/NIfTI; 1 for photographs).</summary>
    public double[] Spacing { get; init; } = [1, 1];

    /// <summary>Row-major 4x4 affine from file voxel indices (i, j, k, 1) to world coordinates in <see cref="Space"/>.</summary>
    public double[] Affine { get; init; } = Identity4();

    /// <summary>Convention of <see cref="Affine"/>'s world coordinates.</summary>
    public CoordinateSpace Space { get; init; } = CoordinateSpace.Pixel;

    /// <summary>Bits per sample in the source (8 or 16 for PNG; DICOM BitsStored; 32 for float NIfTI).</summary>
    public int BitsStored { get; init; } = 8;

    /// <summary>DICOM/NIfTI intensity scaling that was applied to reach real units (value = raw * slope + intercept).</summary>
    public double RescaleSlope { get; init; } = 1;

    /// <inheritdoc cref="RescaleSlope"/>
    public double RescaleIntercept { get; init; }

    /// <summary>Display window centre from the source (DICOM WindowCenter), in real units.</summary>
    public double? WindowCenter { get; init; }

    /// <summary>Display window width from the source (DICOM WindowWidth), in real units.</summary>
    public double? WindowWidth { get; init; }

    /// <summary>VOI LUT Function (0028,1056) for <see cref="WindowCenter"/>/<see cref="WindowWidth"/>: "LINEAR",
    /// "LINEAR_EXACT" or "SIGMOID"; null when absent (DICOM's default is LINEAR).</summary>
    public string? VoiLutFunction { get; init; }

    /// <summary>The source's VOI LUT (first VOI LUT Sequence item), which takes precedence over the window; null when absent.
    /// Its input is the rescaled (modality LUT output) value.</summary>
    public VoiLut? VoiLut { get; init; }

    /// <summary>Acquisition modality when known (DICOM Modality, e.g. "CT", "MG"); never patient data.</summary>
    public string? Modality { get; init; }

    /// <summary>Photometric meaning of the channels: "gray", "rgb", "rgba" or a DICOM photometric interpretation.</summary>
    public string ColorSpace { get; init; } = "gray";

    /// <summary>World position of voxel (0, 0, 0): the affine's translation column.</summary>
    public double[] Origin => [Affine[3], Affine[7], Affine[11]];

    /// <summary>Unit direction cosines of the i, j, k axes as columns (row-major 3x3).</summary>
    public double[] Direction
    {
        get
        {
            var d = new double[9];
            for (var c = 0; c < 3; c++)
            {
                var norm = Math.Sqrt(Affine[c] * Affine[c] + Affine[4 + c] * Affine[4 + c] + Affine[8 + c] * Affine[8 + c]);
                for (var r = 0; r < 3; r++) d[r * 3 + c] = norm == 0 ? (r == c ? 1 : 0) : Affine[r * 4 + c] / norm;
            }
            return d;
        }
    }

    /// <summary>The 4x4 identity, row-major.</summary>
    public static double[] Identity4() => [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}
