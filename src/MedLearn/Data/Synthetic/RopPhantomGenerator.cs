using MedLearn.Torch;

namespace MedLearn.Data.Synthetic;

/// <summary>Retinopathy-of-prematurity stage drawn by <see cref="RopPhantomGenerator"/>.</summary>
public enum RopStage
{
    /// <summary>No disease: vessels reach the periphery.</summary>
    Normal = 0,
    /// <summary>A faint, thin whitish demarcation line at the vascular/avascular border.</summary>
    Stage1 = 1,
    /// <summary>A wider, brighter, shaded ridge at the border.</summary>
    Stage2 = 2,
    /// <summary>Ridge plus neovascular tufts (small bright-red blobs) along it.</summary>
    Stage3 = 3,
}

/// <summary>Options of <see cref="RopPhantomGenerator"/>.</summary>
public sealed record RopPhantomOptions
{
    /// <summary>Image side in pixels (square images).</summary>
    public int Size { get; init; } = 256;

    /// <summary>Dataset seed; together with the sample index it fixes every random choice.</summary>
    public ulong Seed { get; init; }
}

/// <summary>
/// Fundus-photograph-like phantoms for ROP staging: a dark-red circular fundus on black with vignetting, a
/// bright yellowish optic disc, curved branching vessels radiating from the disc, and (by stage) a demarcation
/// line, a ridge, or a ridge with neovascular tufts on an arc at the vascular/avascular border. Appearance
/// (brightness, hue, vessel count and width, disc and arc position, blur, noise) is random. Everything is
/// computed with vectorised tensor ops on coordinate grids.
/// </summary>
/// <remarks>
/// Deterministic in (seed, index): the geometry does not depend on the stage, so
/// <see cref="Generate(long, RopStage)"/> with different stages at one index draws the same eye with different
/// disease features (the basis of the stage-feature tests). Thread-safe: each call uses its own random streams.
/// </remarks>
public sealed class RopPhantomGenerator(RopPhantomOptions options)
{
    /// <summary>Class folder names in stage order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["normal", "stage1", "stage2", "stage3"];

    /// <summary>The options.</summary>
    public RopPhantomOptions Options { get; } = options.Size >= 16 ? options : throw new ArgumentOutOfRangeException(nameof(options), "ROP phantom size must be >= 16");

    /// <summary>Stage of sample <paramref name="index"/> in a balanced dataset (index mod 4).</summary>
    public static RopStage StageOf(long index) => (RopStage)(int)(index % 4);

    /// <summary>Sample <paramref name="index"/> at its balanced stage <see cref="StageOf"/>.</summary>
    public Tensor Generate(long index) => Generate(index, StageOf(index));

    /// <summary>
    /// Draws the eye of sample <paramref name="index"/> with the features of <paramref name="stage"/>: float32
    /// [3, S, S] RGB in [0, 1], created in the caller's dispose scope.
    /// </summary>
    public Tensor Generate(long index, RopStage stage)
    {
        var p = Draw(index);
        using var scope = DisposeScope.Open();
        using var g = new Generator(p.NoiseSeed);
        var s = Options.Size;
        var px = 2.0 / s;
        var (y, x) = SynthOps.Grid2d(s, s);

        // Fundus disc, base colour, vignetting and choroidal texture.
        var r = (x - p.Cx).Square().Add((y - p.Cy).Square()).Sqrt();
        var fundus = SynthOps.SoftStep(p.R - r, 1.2 * px);
        var shade = (1.0 - (r / p.R).Square().Mul(p.Vignette)).Clamp(0, null);
        var texture = SynthOps.SmoothNoise2d(g, 1, s, s, 10).Mul(p.Texture).Add(1.0);
        var baseColour = torch.FromArray(p.Colour, 3, 1, 1);
        var img = baseColour * (shade * texture);

        // Optic disc.
        var dxd = x - p.DiscX;
        var dyd = y - p.DiscY;
        var dDisc = dxd.Square().Add(dyd.Square()).Sqrt();
        var discAlpha = SynthOps.SoftStep(p.DiscR - dDisc, 0.22 * p.DiscR).Mul(0.9).Unsqueeze(0);
        img = img.Lerp(torch.FromArray(p.DiscColour, 3, 1, 1).ExpandAs(img), discAlpha);

        // Ridge arc geometry (centred on the disc).
        var cosToArc = (dxd * Math.Cos(p.ArcAngle) + dyd * Math.Sin(p.ArcAngle)) / dDisc.Clamp(1e-6, null);
        var dArc = dDisc - p.ArcRadius;

        // Vessels; with disease, vessels stop at the border inside the arc's sector (avascular periphery).
        var vessels = torch.Zeros(s, s);
        foreach (var v in p.Vessels)
        {
            var (c, sn) = (Math.Cos(v.Angle), Math.Sin(v.Angle));
            var dx = x - v.X;
            var dy = y - v.Y;
            var along = dx * c + dy * sn;
            var across = dy * c - dx * sn;
            var path = along.Mul(v.Frequency).Add(v.Phase).Sin().Mul(v.Amplitude) + along.Square().Mul(v.Curvature);
            var width = (1.0 - (along / 1.4).Clamp(0, 1).Mul(0.55)).Mul(Math.Max(v.Width, 0.45 * px));
            var ridge = (across - path).Square().Div(width.Square().Mul(2)).Neg().Exp()
                * SynthOps.SoftStep(along, px) * SynthOps.SoftStep(v.Length - along, 2 * px);
            vessels = vessels.Maximum(ridge.Mul(v.Strength));
        }
        if (stage != RopStage.Normal)
        {
            var sector = SynthOps.SoftStep(cosToArc - Math.Cos(p.ArcHalfSpan + 0.15), 0.04);
            var avascular = SynthOps.SoftStep(dArc, 1.5 * px) * sector;
            vessels = vessels * (1.0 - avascular);
        }
        img = img * (1.0 - vessels.Unsqueeze(0) * torch.FromArray(new[] { 0.35f, 0.7f, 0.6f }, 3, 1, 1));

        // Disease features on the arc.
        var arcSector = SynthOps.SoftStep(cosToArc - Math.Cos(p.ArcHalfSpan), 0.03);
        if (stage == RopStage.Stage1)
        {
            var sigma = Math.Max(p.LineWidth, 0.45 * px);
            var line = dArc.Square().Div(-2 * sigma * sigma).Exp() * arcSector;
            img = img.Lerp(torch.FromArray(new[] { 1f, 0.96f, 0.9f }, 3, 1, 1).ExpandAs(img), line.Mul(p.LineStrength).Unsqueeze(0));
        }
        else if (stage >= RopStage.Stage2)
        {
            var sigma = Math.Max(p.RidgeWidth, 1.1 * px);
            var bump = dArc.Square().Div(-2 * sigma * sigma).Exp() * arcSector;
            // Raised ridge: lit on the disc side, shadowed on the outer slope.
            var lit = (1.0 - (dArc / sigma).Tanh().Mul(0.3)) * bump;
            img = img.Lerp(torch.FromArray(new[] { 1f, 0.88f, 0.82f }, 3, 1, 1).ExpandAs(img), lit.Mul(p.RidgeStrength).Clamp(0, 1).Unsqueeze(0));
            if (stage == RopStage.Stage3)
            {
                var tufts = torch.Zeros(s, s);
                foreach (var t in p.Tufts)
                {
                    var radius = Math.Max(t.Radius, 0.9 * px);
                    var d2 = (x - t.X).Square() + (y - t.Y).Square();
                    tufts = tufts + d2.Div(-2 * radius * radius).Exp().Mul(t.Strength);
                }
                img = img.Lerp(torch.FromArray(new[] { 0.9f, 0.1f, 0.08f }, 3, 1, 1).ExpandAs(img), tufts.Clamp(0, 1).Unsqueeze(0));
            }
        }

        // Camera: black surround, blur, sensor noise.
        img = img * fundus.Unsqueeze(0);
        img = SynthOps.Blur2d(img, p.BlurPixels * s / 256.0);
        var noise = torch.Randn([3, s, s], g).Mul(p.Noise);
        img = (img + noise * (fundus.Mul(0.7).Add(0.3))).Clamp(0, 1);
        return scope.MoveToOuter(img);
    }

    /// <summary>
    /// The pixels on the border arc of sample <paramref name="index"/> (where stage 1-3 draw their line or
    /// ridge), as a bool [S, S] mask; the same for every stage.
    /// </summary>
    public Tensor RidgeMask(long index)
    {
        var p = Draw(index);
        using var scope = DisposeScope.Open();
        var s = Options.Size;
        var px = 2.0 / s;
        var (y, x) = SynthOps.Grid2d(s, s);
        var dxd = x - p.DiscX;
        var dyd = y - p.DiscY;
        var dDisc = dxd.Square().Add(dyd.Square()).Sqrt();
        var cosToArc = (dxd * Math.Cos(p.ArcAngle) + dyd * Math.Sin(p.ArcAngle)) / dDisc.Clamp(1e-6, null);
        var band = (dDisc - p.ArcRadius).Abs().Le(Math.Max(p.LineWidth, 0.6 * px))
            .LogicalAnd(cosToArc.Ge(Math.Cos(p.ArcHalfSpan * 0.8)));
        return scope.MoveToOuter(band);
    }

    private sealed record Vessel(double X, double Y, double Angle, double Amplitude, double Frequency, double Phase,
        double Curvature, double Width, double Length, double Strength);

    private sealed record Tuft(double X, double Y, double Radius, double Strength);

    private sealed class Params
    {
        public double Cx, Cy, R, Vignette, Texture, DiscX, DiscY, DiscR;
        public float[] Colour = [], DiscColour = [];
        public double ArcAngle, ArcRadius, ArcHalfSpan, LineWidth, LineStrength, RidgeWidth, RidgeStrength;
        public double BlurPixels, Noise;
        public List<Vessel> Vessels = [];
        public List<Tuft> Tufts = [];
        public ulong NoiseSeed;
    }

    private Params Draw(long index)
    {
        var rng = new SynthRandom(Options.Seed, index, stream: 0x524F50);
        var p = new Params
        {
            Cx = rng.Uniform(-0.03, 0.03),
            Cy = rng.Uniform(-0.03, 0.03),
            R = rng.Uniform(0.86, 0.96),
            Vignette = rng.Uniform(0.3, 0.6),
            Texture = rng.Uniform(0.03, 0.09),
        };
        var brightness = rng.Uniform(0.7, 1.15);
        p.Colour = [(float)(0.66 * brightness * rng.Uniform(0.9, 1.1)), (float)(0.22 * brightness * rng.Uniform(0.75, 1.25)),
            (float)(0.09 * brightness * rng.Uniform(0.7, 1.3))];
        var side = rng.Chance(0.5) ? 1 : -1;
        p.DiscX = p.Cx + side * rng.Uniform(0.2, 0.42);
        p.DiscY = p.Cy + rng.Uniform(-0.15, 0.15);
        p.DiscR = rng.Uniform(0.07, 0.11);
        p.DiscColour = [(float)Math.Min(1, 1.0 * brightness + 0.1), (float)rng.Uniform(0.75, 0.9), (float)rng.Uniform(0.4, 0.6)];

        // Arc towards the far (temporal) periphery, at a fraction of the distance to the fundus edge.
        p.ArcAngle = (side > 0 ? Math.PI : 0) + rng.Uniform(-0.8, 0.8);
        var (ux, uy) = (Math.Cos(p.ArcAngle), Math.Sin(p.ArcAngle));
        var (ox, oy) = (p.DiscX - p.Cx, p.DiscY - p.Cy);
        var b = ox * ux + oy * uy;
        var rhoMax = -b + Math.Sqrt(b * b - (ox * ox + oy * oy - p.R * p.R));
        p.ArcRadius = rhoMax * rng.Uniform(0.55, 0.8);
        p.ArcHalfSpan = rng.Uniform(0.5, 1.1);
        p.LineWidth = rng.Uniform(0.005, 0.009);
        p.LineStrength = rng.Uniform(0.3, 0.5);
        p.RidgeWidth = rng.Uniform(0.016, 0.026);
        p.RidgeStrength = rng.Uniform(0.55, 0.8);

        var count = rng.Int(5, 8);
        var rotation = rng.Uniform(0, 2 * Math.PI);
        for (var k = 0; k < count; k++)
        {
            var parent = new Vessel(p.DiscX, p.DiscY, rotation + 2 * Math.PI * k / count + rng.Uniform(-0.3, 0.3),
                rng.Uniform(0.01, 0.05), rng.Uniform(3, 8), rng.Uniform(0, 2 * Math.PI), rng.Uniform(-0.15, 0.15),
                rng.Uniform(0.007, 0.015), 2.2, rng.Uniform(0.75, 1.0));
            p.Vessels.Add(parent);
            if (rng.Chance(0.7))
            {
                var s0 = rng.Uniform(0.2, 0.5);
                var q0 = parent.Amplitude * Math.Sin(parent.Frequency * s0 + parent.Phase) + parent.Curvature * s0 * s0;
                var (c, sn) = (Math.Cos(parent.Angle), Math.Sin(parent.Angle));
                p.Vessels.Add(parent with
                {
                    X = parent.X + s0 * c - q0 * sn,
                    Y = parent.Y + s0 * sn + q0 * c,
                    Angle = parent.Angle + (rng.Chance(0.5) ? 1 : -1) * rng.Uniform(0.3, 0.7),
                    Phase = rng.Uniform(0, 2 * Math.PI),
                    Width = parent.Width * 0.7,
                    Strength = parent.Strength * 0.85,
                });
            }
        }

        var tufts = rng.Int(6, 14);
        for (var k = 0; k < tufts; k++)
        {
            var angle = p.ArcAngle + rng.Uniform(-0.9, 0.9) * p.ArcHalfSpan;
            var rho = p.ArcRadius + rng.Uniform(0.0, 2.0) * p.RidgeWidth;
            p.Tufts.Add(new Tuft(p.DiscX + rho * Math.Cos(angle), p.DiscY + rho * Math.Sin(angle),
                rng.Uniform(0.010, 0.02), rng.Uniform(0.7, 1.0)));
        }
        p.BlurPixels = rng.Uniform(0.2, 1.0);
        p.Noise = rng.Uniform(0.008, 0.03);
        p.NoiseSeed = rng.NextUInt64() >> 1;
        return p;
    }
}
