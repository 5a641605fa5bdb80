using MedLearn.Torch;

namespace MedLearn.Data.Synthetic;

/// <summary>Options of <see cref="VolumePhantomGenerator"/>.</summary>
public sealed record VolumePhantomOptions
{
    /// <summary>Voxels along x (the file's fastest axis).</summary>
    public int Width { get; init; } = 96;

    /// <summary>Voxels along y.</summary>
    public int Height { get; init; } = 96;

    /// <summary>Slices (z).</summary>
    public int Depth { get; init; } = 64;

    /// <summary>Voxel size in mm in tensor order [sz, sy, sx].</summary>
    public double[] Spacing { get; init; } = [1.5, 1.0, 1.0];

    /// <summary>Dataset seed; together with the sample index it fixes every random choice.</summary>
    public ulong Seed { get; init; }
}

/// <summary>One 3-D phantom, tensors in the caller's dispose scope.</summary>
/// <param name="Image">float32 [1, D, H, W]: structure intensity with texture, bias field and noise.</param>
/// <param name="Mask">uint8 [1, D, H, W]: <c>Structure &gt; Threshold</c>.</param>
/// <param name="Structure">float32 [1, D, H, W]: the smooth implicit field whose level set is the structure.</param>
/// <param name="Threshold">Level of <see cref="Structure"/> that defines the mask.</param>
/// <param name="Meta">Geometry (spacing, RAS affine) for writing as NIfTI.</param>
public sealed record VolumePhantom(Tensor Image, Tensor Mask, Tensor Structure, double Threshold, ImageMeta Meta);

/// <summary>
/// 3-D segmentation phantoms: a smooth blob-shaped structure (sum of 2-5 random anisotropic gaussian /
/// superellipsoid bumps, thresholded) with its binary mask, interior texture, a multiplicative smooth bias field
/// and gaussian intensity noise. Bump centres and widths are bounded so the mask never touches the volume
/// border and always contains the first bump's centre. Deterministic in (seed, index); tensor ops only.
/// </summary>
public sealed class VolumePhantomGenerator(VolumePhantomOptions options)
{
    private const double Level = 0.5;

    /// <summary>The options.</summary>
    public VolumePhantomOptions Options { get; } = options.Width >= 8 && options.Height >= 8 && options.Depth >= 8 && options.Spacing.Length == 3
        ? options : throw new ArgumentOutOfRangeException(nameof(options), "volume phantom needs >= 8 voxels per axis and 3 spacings");

    /// <summary>Geometry of every volume: spacing and a diagonal RAS affine (origin at voxel 0).</summary>
    public ImageMeta Meta
    {
        get
        {
            var (sz, sy, sx) = (Options.Spacing[0], Options.Spacing[1], Options.Spacing[2]);
            return new ImageMeta
            {
                SpatialDims = 3,
                Spacing = [sz, sy, sx],
                Affine = [sx, 0, 0, 0, 0, sy, 0, 0, 0, 0, sz, 0, 0, 0, 0, 1],
                Space = CoordinateSpace.RAS,
                BitsStored = 32,
                ColorSpace = "gray",
            };
        }
    }

    /// <summary>Draws sample <paramref name="index"/>.</summary>
    public VolumePhantom Generate(long index)
    {
        var rng = new SynthRandom(Options.Seed, index, stream: 0x564F4C);
        long d = Options.Depth, h = Options.Height, w = Options.Width;
        using var scope = DisposeScope.Open();
        using var g = rng.NewGenerator();
        // Unit-cube coordinates: every axis spans [-1, 1] (voxel centres), so bounds hold for any box shape.
        var u = torch.Arange(0, d, 1, DType.Float32).Add(0.5 - d / 2.0).Div(d / 2.0).View(d, 1, 1);
        var v = torch.Arange(0, h, 1, DType.Float32).Add(0.5 - h / 2.0).Div(h / 2.0).View(1, h, 1);
        var t = torch.Arange(0, w, 1, DType.Float32).Add(0.5 - w / 2.0).Div(w / 2.0).View(1, 1, w);

        // Reach of a bump above Level/K is sigma * sqrt(2 ln 2K) <= 0.18 * 2.15; centres within 0.35 => < 0.74.
        var bumps = rng.Int(2, 5);
        var structure = torch.Zeros(d, h, w);
        for (var k = 0; k < bumps; k++)
        {
            var (cz, cy, cx) = (rng.Uniform(-0.35, 0.35), rng.Uniform(-0.35, 0.35), rng.Uniform(-0.35, 0.35));
            var (sz, sy, sx) = (rng.Uniform(0.1, 0.18), rng.Uniform(0.1, 0.18), rng.Uniform(0.1, 0.18));
            var superellipsoid = rng.Chance(0.3);
            var amplitude = k == 0 ? 1.0 : rng.Uniform(0.6, 1.0);
            var q = ((u - cz) / sz).Square() + ((v - cy) / sy).Square() + ((t - cx) / sx).Square();
            if (superellipsoid) q = q.Square();
            structure = structure + q.Mul(-0.5).Exp().Mul(amplitude);
        }
        var mask = structure.Gt(Level);

        // Image: soft-edged structure with texture, background, bias field, noise.
        var soft = SynthOps.SoftStep(structure - Level, 0.06);
        var texture = SynthOps.SmoothNoise3d(g, d, h, w, 8).Mul(rng.Uniform(0.03, 0.1)).Add(1.0);
        var background = rng.Uniform(0.15, 0.3);
        var contrast = rng.Uniform(0.35, 0.7) * (rng.Chance(0.8) ? 1 : -0.5);
        var img = (soft * texture).Mul(contrast).Add(background);
        var bias = SynthOps.SmoothNoise3d(g, d, h, w, 2).Mul(rng.Uniform(0.05, 0.2)).Exp();
        img = img * bias + torch.Randn([d, h, w], g).Mul(rng.Uniform(0.01, 0.04));

        var image = scope.MoveToOuter(img.Unsqueeze(0).Contiguous());
        var maskOut = scope.MoveToOuter(mask.To(DType.UInt8).Unsqueeze(0).Contiguous());
        var structureOut = scope.MoveToOuter(structure.Unsqueeze(0).Contiguous());
        return new VolumePhantom(image, maskOut, structureOut, Level, Meta);
    }
}
