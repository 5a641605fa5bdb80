using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Data.Synthetic;

/// <summary>Options of <see cref="MammoPhantomGenerator"/>.</summary>
public sealed record MammoPhantomOptions
{
    /// <summary>Image height in pixels (the long side, like a mammography detector).</summary>
    public int Height { get; init; } = 2944;

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 1920;

    /// <summary>Dataset seed; together with the sample index it fixes every random choice.</summary>
    public ulong Seed { get; init; }

    /// <summary>Fraction of positive (lesion-bearing) images, spread evenly over the indices.</summary>
    public double PositiveFraction { get; init; } = 0.5;

    /// <summary>
    /// Size floor of the lesions in pixels, for reduced-size phantoms where the full-size sizes (fractions of the
    /// image) shrink to a pixel or two: a mass's larger gaussian sigma is at least this, a calcification cluster's
    /// radius at least twice this, a calcification's sigma at least a third of it. 0 (default) keeps the full-size
    /// rule (sigma >= 1.5 px for masses, >= 0.6 px for calcifications).
    /// </summary>
    public double MinLesionPixels { get; init; }

    /// <summary>
    /// Factor on every lesion's intensity (mass amplitude and calcification brightness), to make the task harder:
    /// lesion pixels become base + contrast * lesion (before noise and the [0, 1] clamp). 1 (default) keeps the
    /// phantoms as they were; smaller values bring lesions closer to the parenchyma texture.
    /// </summary>
    public double LesionContrast { get; init; } = 1.0;

    /// <summary>
    /// 1 (default): every image is its own breast. 2: consecutive images 2b (CC) and 2b + 1 (MLO) are two views of
    /// breast b, which fixes the label (both views positive or both negative) and the laterality (even b left,
    /// odd b right; chest wall on the left of a left breast's image, on the right of a right one's); breasts 2e and
    /// 2e + 1 form exam (and patient) e. Lesions and texture are drawn independently per view.
    /// </summary>
    public int ViewsPerBreast { get; init; } = 1;
}

/// <summary>One screening phantom: image, lesion mask and label, all in the caller's dispose scope.</summary>
/// <param name="Image">float32 [1, H, W] in [0, 1] (write as 16-bit with <see cref="SynthImages.ToUInt16Range"/>).</param>
/// <param name="Mask">uint8 [1, H, W], 1 on lesion pixels; all zero for negatives.</param>
/// <param name="Positive">True when the image holds lesions (label 1).</param>
/// <param name="Masses">Number of masses drawn.</param>
/// <param name="CalcificationClusters">Number of calcification clusters drawn.</param>
public sealed record MammoPhantom(Tensor Image, Tensor Mask, bool Positive, int Masses, int CalcificationClusters)
{
    /// <summary>Binary label: 1 when a lesion is present.</summary>
    public int Label => Positive ? 1 : 0;
}

/// <summary>
/// Large grayscale screening-mammogram-like phantoms: a breast-shaped region against the chest wall with smooth
/// low-pass parenchyma texture and a skin line; positive images carry 1-3 lesions (gaussian masses or clusters
/// of tiny bright calcifications) with their binary mask. Deterministic in (seed, index); vectorised tensor ops
/// only (lesions are rendered on their bounding boxes and padded into place).
/// </summary>
public sealed class MammoPhantomGenerator(MammoPhantomOptions options)
{
    /// <summary>The options.</summary>
    public MammoPhantomOptions Options { get; } = options.Height >= 16 && options.Width >= 16
        ? options.ViewsPerBreast is 1 or 2
            ? options.LesionContrast is >= 0 and <= 10 ? options : throw new ArgumentOutOfRangeException(nameof(options), $"lesion contrast must be in [0, 10], got {options.LesionContrast}")
            : throw new ArgumentOutOfRangeException(nameof(options), "views per breast must be 1 or 2")
        : throw new ArgumentOutOfRangeException(nameof(options), "mammo phantom size must be >= 16x16");

    /// <summary>The breast image <paramref name="index"/> shows (the index itself with one view per breast).</summary>
    public long BreastOf(long index) => index / Options.ViewsPerBreast;

    /// <summary>"CC" or "MLO" with two views per breast, else null.</summary>
    public string? ViewOf(long index) => Options.ViewsPerBreast == 2 ? (index % 2 == 0 ? "CC" : "MLO") : null;

    /// <summary>"L" or "R" with two views per breast, else null.</summary>
    public string? LateralityOf(long index) => Options.ViewsPerBreast == 2 ? (BreastOf(index) % 2 == 0 ? "L" : "R") : null;

    /// <summary>The exam (and patient) of image <paramref name="index"/>: its breast / 2.</summary>
    public long ExamOf(long index) => BreastOf(index) / 2;

    /// <summary>Whether sample <paramref name="index"/> is positive (exactly the configured fraction over any prefix, up to rounding).</summary>
    public bool IsPositive(long index)
    {
        var f = Math.Clamp(Options.PositiveFraction, 0, 1);
        return Math.Floor((index + 1) * f + 1e-9) > Math.Floor(index * f + 1e-9);
    }

    /// <summary>Draws sample <paramref name="index"/>.</summary>
    public MammoPhantom Generate(long index)
    {
        var rng = new SynthRandom(Options.Seed, index, stream: 0x4D414D);
        var positive = IsPositive(BreastOf(index));
        long h = Options.Height, w = Options.Width;
        var px = 2.0 / Math.Max(h, w);
        using var scope = DisposeScope.Open();
        using var g = rng.NewGenerator();
        var (y, x) = SynthOps.Grid2d(h, w);
        var xe = (double)w / Math.Max(h, w);

        // Breast: half-ellipse against the chest wall (left or right), irregular boundary, skin line.
        var side = rng.Chance(0.5) ? 1.0 : -1.0;
        if (LateralityOf(index) is { } laterality) side = laterality == "L" ? 1.0 : -1.0;
        var a = rng.Uniform(0.62, 0.8) * 2 * xe;
        var b = rng.Uniform(0.6, 0.8);
        var cy = rng.Uniform(-0.1, 0.1);
        var xl = x.Mul(side).Add(xe);  // distance from the chest wall
        var rho = (xl / a).Square().Add(((y - cy) / b).Square()).Sqrt();
        rho = rho + SynthOps.SmoothNoise2d(g, 1, h, w, 4).Squeeze(0).Mul(rng.Uniform(0.005, 0.015));
        var inside = SynthOps.SoftStep(1.0 - rho, 1.5 * px);
        var skinDepth = Math.Max(rng.Uniform(0.006, 0.012), 1.5 * px);
        var skin = (1.0 - rho - skinDepth).Square().Div(-2 * Math.Pow(skinDepth * 0.5, 2)).Exp();

        // Parenchyma: glandular profile times thresholded low-pass noise at two scales.
        var profile = (1.0 - rho.Clamp(0, 1).Square()).Clamp(0, 1);
        var coarse = SynthOps.SmoothNoise2d(g, 1, h, w, 14).Squeeze(0);
        var fine = SynthOps.SmoothNoise2d(g, 1, h, w, 60).Squeeze(0);
        var density = rng.Uniform(0.3, 1.0);
        var dense = (coarse.Mul(1.5) + fine.Mul(0.6) + (density - 0.5) * 2).Sigmoid();
        var tissue = profile.Mul(0.25).Add(0.22) + dense * profile * rng.Uniform(0.15, 0.3);
        var img = (tissue * inside).Add(skin.Mul(0.12) * inside).Add(0.03);

        // Lesions.
        var mask = torch.Zeros([h, w], DType.Bool);
        int masses = 0, clusters = 0;
        if (positive)
        {
            var n = rng.Int(1, 3);
            for (var k = 0; k < n; k++)
            {
                var r0 = rng.Uniform(0.15, 0.7);
                var phi = rng.Uniform(-1.3, 1.3);
                var lx = ((-xe + r0 * a * Math.Cos(phi)) * side);
                var ly = cy + r0 * b * Math.Sin(phi);
                Tensor patch, patchMask;
                long top, left;
                if (rng.Chance(0.6))
                {
                    masses++;
                    var sx = Math.Max(Math.Max(rng.Uniform(0.012, 0.035), 1.5 * px), Options.MinLesionPixels * px);
                    var sy = sx * rng.Uniform(0.6, 1.0);
                    var theta = rng.Uniform(0, Math.PI);
                    var amp = rng.Uniform(0.18, 0.32);
                    (top, left, var py, var pxx) = Window(y, x, ly, lx, 4 * sx, h, w);
                    var dx = pxx - lx;
                    var dy = py - ly;
                    var u = dx * Math.Cos(theta) + dy * Math.Sin(theta);
                    var v = dy * Math.Cos(theta) - dx * Math.Sin(theta);
                    var blob = (u / sx).Square().Add((v / sy).Square()).Mul(-0.5).Exp();
                    patch = blob.Mul(amp * Options.LesionContrast);
                    patchMask = blob.Gt(0.5);
                }
                else
                {
                    clusters++;
                    var radius = Math.Max(rng.Uniform(0.01, 0.03), 2 * Options.MinLesionPixels * px);
                    var dots = rng.Int(5, 15);
                    (top, left, var py, var pxx) = Window(y, x, ly, lx, radius + 8 * px + 0.01, h, w);
                    patch = torch.Zeros(py.Size(0), pxx.Size(1));
                    patchMask = torch.Zeros([py.Size(0), pxx.Size(1)], DType.Bool);
                    for (var d = 0; d < dots; d++)
                    {
                        var ang = rng.Uniform(0, 2 * Math.PI);
                        var dist = radius * Math.Sqrt(rng.NextDouble());
                        var sd = Math.Max(Math.Max(rng.Uniform(0.0015, 0.003), 0.6 * px), Options.MinLesionPixels / 3 * px);
                        var dot = (pxx - (lx + dist * Math.Cos(ang))).Square().Add((py - (ly + dist * Math.Sin(ang))).Square())
                            .Div(-2 * sd * sd).Exp();
                        patch = patch.Maximum(dot.Mul(rng.Uniform(0.3, 0.5) * Options.LesionContrast));
                        patchMask = patchMask.LogicalOr(dot.Gt(0.25));
                    }
                }
                long[] pad = [left, w - left - patch.Size(1), top, h - top - patch.Size(0)];
                img = img + Functional.Pad(patch, pad);
                mask = mask.LogicalOr(Functional.Pad(patchMask.To(DType.UInt8), pad).To(DType.Bool));
            }
        }

        img = img + torch.Randn([h, w], g).Mul(rng.Uniform(0.004, 0.012));
        var image = scope.MoveToOuter(img.Clamp(0, 1).Unsqueeze(0).Contiguous());
        var maskOut = scope.MoveToOuter(mask.To(DType.UInt8).Unsqueeze(0).Contiguous());
        return new MammoPhantom(image, maskOut, positive, masses, clusters);
    }

    /// <summary>Rows/columns of the grid within <paramref name="half"/> of (cy, cx), clipped to the image.</summary>
    private static (long Top, long Left, Tensor Y, Tensor X) Window(Tensor y, Tensor x, double cy, double cx, double half,
        long h, long w)
    {
        var s = Math.Max(h, w) / 2.0;
        long Index(double c, long n) => (long)Math.Floor(c * s + n / 2.0);
        var top = Math.Clamp(Index(cy - half, h), 0, h - 1);
        var bottom = Math.Clamp(Index(cy + half, h) + 1, top + 1, h);
        var left = Math.Clamp(Index(cx - half, w), 0, w - 1);
        var right = Math.Clamp(Index(cx + half, w) + 1, left + 1, w);
        return (top, left, y.Narrow(0, top, bottom - top), x.Narrow(1, left, right - left));
    }
}
