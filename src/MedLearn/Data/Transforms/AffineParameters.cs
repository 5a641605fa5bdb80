namespace MedLearn.Data.Transforms;

/// <summary>
/// Fixed parameters of an affine transform about the image centre (the deterministic path of
/// <see cref="RandomAffine"/>), in torchvision's conventions: coordinates are pixel-centred
/// (<c>x = j − W/2 + 0.5</c>, <c>y = i − H/2 + 0.5</c>, <c>z = d − D/2 + 0.5</c>) and the forward map is
/// <c>p_out = T · R · Shear · scale · p_in</c>; sampling uses its inverse.
/// </summary>
/// <remarks>
/// <para>2-D: <see cref="Angles"/> has one value, the angle of torchvision's <c>F.affine</c> (its inverse matrix is
/// built exactly as torchvision's <c>_get_inverse_affine_matrix</c> with centre (0, 0)); <see cref="Shear"/> is
/// (shear_x, shear_y) in degrees.</para>
/// <para>3-D: three angles in degrees, forward rotation <c>Rz(a₀)·Ry(a₁)·Rx(a₂)</c> about the (x = W, y = H, z = D)
/// axes, so a₀ alone is the 2-D in-plane rotation of every slice; shear must be zero.</para>
/// </remarks>
/// <param name="Angles">Rotation angles in degrees (1 for 2-D, 3 for 3-D).</param>
/// <param name="Translate">Translation in pixels in (x, y[, z]) = (W, H[, D]) order.</param>
/// <param name="Scale">Isotropic scale (&gt; 0).</param>
/// <param name="Shear">Shear angles (x, y) in degrees (2-D only); null = none.</param>
public sealed record AffineParameters(double[] Angles, double[] Translate, double Scale = 1, double[]? Shear = null)
{
    /// <summary>The identity transform of <paramref name="dims"/> spatial dims.</summary>
    public static AffineParameters Identity(int dims) => new(dims == 2 ? [0] : [0, 0, 0], new double[dims]);

    /// <summary>
    /// Inverse map (output → input) in pixel-centred (x, y[, z]) coordinates as a row-major dims×(dims+1) matrix.
    /// </summary>
    public double[,] InverseMatrix(int dims)
    {
        if (Scale <= 0) throw new ArgumentException($"AffineParameters: scale must be > 0, got {Scale}");
        if (Translate.Length != dims) throw new ArgumentException($"AffineParameters: {Translate.Length} translations for {dims} spatial dims");
        var shear = Shear ?? [0, 0];
        if (dims == 2)
        {
            if (Angles.Length != 1) throw new ArgumentException("AffineParameters: 2-D takes one angle");
            if (shear.Length != 2) throw new ArgumentException("AffineParameters: shear is (x, y)");
            // torchvision _get_inverse_affine_matrix, centre (0, 0)
            var rot = Angles[0] * Math.PI / 180;
            var (sx, sy) = (shear[0] * Math.PI / 180, shear[1] * Math.PI / 180);
            var a = Math.Cos(rot - sy) / Math.Cos(sy);
            var b = -Math.Cos(rot - sy) * Math.Tan(sx) / Math.Cos(sy) - Math.Sin(rot);
            var c = Math.Sin(rot - sy) / Math.Cos(sy);
            var d = -Math.Sin(rot - sy) * Math.Tan(sx) / Math.Cos(sy) + Math.Cos(rot);
            double[] m = [d / Scale, -b / Scale, 0, -c / Scale, a / Scale, 0];
            var (tx, ty) = (Translate[0], Translate[1]);
            m[2] += m[0] * -tx + m[1] * -ty;
            m[5] += m[3] * -tx + m[4] * -ty;
            return new[,] { { m[0], m[1], m[2] }, { m[3], m[4], m[5] } };
        }
        if (dims != 3) throw new ArgumentException($"AffineParameters: 2 or 3 spatial dims, got {dims}");
        if (Angles.Length != 3) throw new ArgumentException("AffineParameters: 3-D takes three angles");
        if (shear.Any(s => s != 0)) throw new ArgumentException("AffineParameters: shear is supported in 2-D only");
        var (z, y, x) = (Angles[0] * Math.PI / 180, Angles[1] * Math.PI / 180, Angles[2] * Math.PI / 180);
        double[,] rz = { { Math.Cos(z), -Math.Sin(z), 0 }, { Math.Sin(z), Math.Cos(z), 0 }, { 0, 0, 1 } };
        double[,] ry = { { Math.Cos(y), 0, Math.Sin(y) }, { 0, 1, 0 }, { -Math.Sin(y), 0, Math.Cos(y) } };
        double[,] rx = { { 1, 0, 0 }, { 0, Math.Cos(x), -Math.Sin(x) }, { 0, Math.Sin(x), Math.Cos(x) } };
        var r = Mul(Mul(rz, ry), rx);
        // inverse of p -> R·s·p + t is p -> Rᵀ(p − t)/s
        var inv = new double[3, 4];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++) inv[i, j] = r[j, i] / Scale;
            inv[i, 3] = -(inv[i, 0] * Translate[0] + inv[i, 1] * Translate[1] + inv[i, 2] * Translate[2]);
        }
        return inv;
    }

    /// <summary>
    /// The <c>theta</c> of <c>F.affine_grid(..., align_corners=False)</c> for a spatial size in tensor order
    /// ([H, W] or [D, H, W]): the inverse matrix rescaled to normalised coordinates,
    /// <c>θ[r][c] = M[r][c]·n_c/n_r</c>, <c>θ[r][last] = 2·M[r][last]/n_r</c> with n = (W, H[, D]).
    /// </summary>
    public float[] Theta(long[] spatial)
    {
        var dims = spatial.Length;
        var m = InverseMatrix(dims);
        var n = spatial.Reverse().Select(s => (double)s).ToArray(); // (W, H[, D])
        var theta = new float[dims * (dims + 1)];
        for (var r = 0; r < dims; r++)
        {
            for (var c = 0; c < dims; c++) theta[r * (dims + 1) + c] = (float)(m[r, c] * n[c] / n[r]);
            theta[r * (dims + 1) + dims] = (float)(2 * m[r, dims] / n[r]);
        }
        return theta;
    }

    private static double[,] Mul(double[,] a, double[,] b)
    {
        var r = new double[3, 3];
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                for (var k = 0; k < 3; k++) r[i, j] += a[i, k] * b[k, j];
        return r;
    }
}
