using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Data.Synthetic;

/// <summary>
/// Scalar random stream of one synthetic sample, derived from (seed, index) with SplitMix64, so every sample is
/// reproducible on its own (no dependence on generation order or thread). Noise fields come from a libtorch
/// <see cref="Generator"/> seeded from the same stream (<see cref="NewGenerator"/>).
/// </summary>
internal sealed class SynthRandom
{
    private ulong _state;

    public SynthRandom(ulong seed, long index, ulong stream)
    {
        _state = seed ^ 0x9E3779B97F4A7C15UL;
        _state = Mix(_state + (ulong)index * 0xD1B54A32D192ED03UL);
        _state = Mix(_state ^ (stream * 0x8CB92BA72F3D8DD7UL));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Integer in [lo, hi] inclusive.</summary>
    public int Int(int lo, int hi) => lo + (int)(NextUInt64() % (ulong)(hi - lo + 1));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>A libtorch generator seeded from this stream.</summary>
    public Generator NewGenerator() => new(NextUInt64() >> 1);
}

/// <summary>Vectorised building blocks shared by the phantom generators (tensor ops only).</summary>
internal static class SynthOps
{
    /// <summary>
    /// Pixel-centre coordinates of an H×W grid as broadcastable float32 tensors <c>y</c> [H,1] and <c>x</c> [1,W],
    /// scaled so that the longer side spans [−1, 1] (isotropic units).
    /// </summary>
    public static (Tensor Y, Tensor X) Grid2d(long h, long w)
    {
        var s = Math.Max(h, w) / 2.0;
        var y = torch.Arange(0, h, 1, DType.Float32).Add(0.5 - h / 2.0).Div(s).View(h, 1);
        var x = torch.Arange(0, w, 1, DType.Float32).Add(0.5 - w / 2.0).Div(s).View(1, w);
        return (y, x);
    }

    /// <summary>As <see cref="Grid2d"/> for a D×H×W grid: z [D,1,1], y [1,H,1], x [1,1,W].</summary>
    public static (Tensor Z, Tensor Y, Tensor X) Grid3d(long d, long h, long w)
    {
        var s = Math.Max(d, Math.Max(h, w)) / 2.0;
        var z = torch.Arange(0, d, 1, DType.Float32).Add(0.5 - d / 2.0).Div(s).View(d, 1, 1);
        var y = torch.Arange(0, h, 1, DType.Float32).Add(0.5 - h / 2.0).Div(s).View(1, h, 1);
        var x = torch.Arange(0, w, 1, DType.Float32).Add(0.5 - w / 2.0).Div(s).View(1, 1, w);
        return (z, y, x);
    }

    /// <summary>Normalised 1-D gaussian kernel with standard deviation <paramref name="sigma"/> pixels.</summary>
    public static Tensor GaussianKernel(double sigma)
    {
        var radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var t = torch.Arange(-radius, radius + 1, 1, DType.Float32);
        var k = t.Square().Mul(-0.5 / (sigma * sigma)).Exp();
        return k.Div(k.Sum());
    }

    /// <summary>Separable gaussian blur of [C,H,W] (replicate padding); sigma ≤ 0.05 returns the input.</summary>
    public static Tensor Blur2d(Tensor chw, double sigma)
    {
        if (sigma <= 0.05) return chw;
        var c = chw.Size(0);
        var k = GaussianKernel(sigma);
        var n = k.Size(0);
        var r = n / 2;
        var x = Functional.Pad(chw.Unsqueeze(0), [r, r, r, r], PadMode.Replicate);
        x = Functional.Conv2d(x, k.View(1, 1, 1, n).Expand(c, 1, 1, n).Contiguous(), groups: c);
        x = Functional.Conv2d(x, k.View(1, 1, n, 1).Expand(c, 1, n, 1).Contiguous(), groups: c);
        return x.Squeeze(0);
    }

    /// <summary>
    /// Smooth noise of shape [C, H, W]: standard normal values on a coarse grid of about
    /// <paramref name="cells"/> cells along the longer side, bicubically upsampled; roughly zero-mean, unit scale.
    /// </summary>
    public static Tensor SmoothNoise2d(Generator g, long c, long h, long w, int cells)
    {
        var s = (double)Math.Max(h, w) / Math.Max(1, cells);
        var ch = Math.Max(2, (long)Math.Ceiling(h / s) + 1);
        var cw = Math.Max(2, (long)Math.Ceiling(w / s) + 1);
        var coarse = torch.Randn([1, c, ch, cw], g);
        return Functional.Interpolate(coarse, size: [h, w], mode: InterpolateMode.Bicubic, alignCorners: false).Squeeze(0);
    }

    /// <summary>Smooth noise of shape [D, H, W] (coarse normal grid, trilinear upsampling).</summary>
    public static Tensor SmoothNoise3d(Generator g, long d, long h, long w, int cells)
    {
        var s = (double)Math.Max(d, Math.Max(h, w)) / Math.Max(1, cells);
        long Coarse(long n) => Math.Max(2, (long)Math.Ceiling(n / s) + 1);
        var coarse = torch.Randn([1, 1, Coarse(d), Coarse(h), Coarse(w)], g);
        return Functional.Interpolate(coarse, size: [d, h, w], mode: InterpolateMode.Trilinear, alignCorners: false).Squeeze(0).Squeeze(0);
    }

    /// <summary>Logistic step 1/(1+exp(−v/softness)).</summary>
    public static Tensor SoftStep(Tensor v, double softness) => v.Div(softness).Sigmoid();
}
