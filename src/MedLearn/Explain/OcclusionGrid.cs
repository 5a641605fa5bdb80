using MedLearn.Torch;

namespace MedLearn.Explain;

/// <summary>
/// The window positions of an occlusion map and the rule that turns per-window probability drops into a per-pixel
/// map. Along each axis the windows start at the region's first pixel and every stride after it while they fit, plus
/// one window flush with the region's end when the last regular one stops short of it (so with stride ≤ window every
/// pixel of the region is covered). Positions are enumerated in row-major order over the axes.
/// </summary>
internal sealed class OcclusionGrid
{
    private OcclusionGrid(long[] size, long[] window, long[][] starts)
    {
        Size = size;
        Window = window;
        Starts = starts;
        Count = checked((int)starts.Aggregate(1L, (n, s) => n * s.Length));
    }

    /// <summary>Spatial size of the input.</summary>
    public long[] Size { get; }

    /// <summary>Window side per axis.</summary>
    public long[] Window { get; }

    /// <summary>Window start positions per axis.</summary>
    public long[][] Starts { get; }

    /// <summary>Number of window positions.</summary>
    public int Count { get; }

    /// <summary>The grid for an input of spatial size <paramref name="size"/> (arguments already checked).</summary>
    public static OcclusionGrid Create(long[] size, long[] window, long[] stride, long[] regionStart, long[] regionSize)
    {
        var starts = new long[size.Length][];
        for (var a = 0; a < size.Length; a++) starts[a] = AxisStarts(regionStart[a], regionSize[a], window[a], stride[a]);
        return new OcclusionGrid(size, window, starts);
    }

    /// <summary>from, from + stride, ... while the window fits in [from, from + length), plus a last one ending at from + length.</summary>
    public static long[] AxisStarts(long from, long length, long window, long stride)
    {
        var starts = new List<long>();
        for (var s = from; s + window <= from + length; s += stride) starts.Add(s);
        if (starts[^1] + window < from + length) starts.Add(from + length - window);
        return [.. starts];
    }

    /// <summary>Start of window <paramref name="index"/> along every axis.</summary>
    public long[] Position(int index)
    {
        var p = new long[Starts.Length];
        for (var a = Starts.Length - 1; a >= 0; a--)
        {
            p[a] = Starts[a][index % Starts[a].Length];
            index /= Starts[a].Length;
        }
        return p;
    }

    /// <summary>
    /// Boolean masks [count, 1, *size] of windows <paramref name="first"/> .. first + count − 1 (true inside the
    /// window), built by broadcasting per-axis interval tests.
    /// </summary>
    public Tensor Masks(int first, int count)
    {
        using var scope = DisposeScope.Open();
        var dims = Size.Length;
        var positions = Enumerable.Range(first, count).Select(Position).ToArray();
        Tensor? mask = null;
        for (var a = 0; a < dims; a++)
        {
            var inside = Covers([.. positions.Select(p => p[a])], a);
            var shape = Enumerable.Repeat(1L, dims + 2).ToArray();
            shape[0] = count;
            shape[a + 2] = Size[a];
            var m = inside.Reshape(shape);
            mask = mask is null ? m : mask.LogicalAnd(m);
        }
        return scope.MoveToOuter(mask!);
    }

    /// <summary>
    /// The per-pixel map from per-window values: each pixel gets the mean of the values of the windows covering it,
    /// 0 where none does; also returns the number of covering windows per pixel. Computed as a separable sum with
    /// per-axis coverage matrices M_a[p, j] = [window j covers pixel p] (einsum), in float64, returned as float32.
    /// </summary>
    public (Tensor Map, Tensor Coverage) MeanOverWindows(double[] values)
    {
        if (values.Length != Count) throw new ArgumentException($"expected {Count} window values, got {values.Length}", nameof(values));
        using var scope = DisposeScope.Open();
        var dims = Size.Length;
        var grid = torch.FromArray(values, [.. Starts.Select(s => (long)s.Length)]);
        var matrices = new Tensor[dims];
        for (var a = 0; a < dims; a++) matrices[a] = Covers(Starts[a], a).Transpose(0, 1).To(DType.Float64);
        // The window grid comes first: libtorch contracts einsum operands left to right, so each step contracts one
        // window axis ([n_0, n_1] x M_0 -> [n_1, H] x M_1 -> [H, W]); two coverage matrices first would build their
        // outer product [H, n_0, W, n_1] (about 1 GB in float64 for 224 px at stride 4).
        const string pixels = "abc", windows = "ijk";
        var equation = windows[..dims] + "," + string.Join(",", Enumerable.Range(0, dims).Select(a => $"{pixels[a]}{windows[a]}")) + $"->{pixels[..dims]}";
        var sum = torch.Einsum(equation, [grid, .. matrices]);
        var coverage = torch.Einsum(equation, [torch.OnesLike(grid), .. matrices]);
        var map = torch.Where(coverage > 0, sum / coverage.Clamp(min: 1), 0.0);
        return (scope.MoveToOuter(map.To(DType.Float32)), scope.MoveToOuter(coverage.To(DType.Float32)));
    }

    /// <summary>[starts, Size[axis]] bool: row i is true on the pixels of axis <paramref name="axis"/> that the window starting at starts[i] covers.</summary>
    private Tensor Covers(long[] starts, int axis)
    {
        var s = torch.FromArray(starts, starts.Length).Unsqueeze(1);
        var r = torch.Arange(Size[axis]).Unsqueeze(0);
        return (r >= s).LogicalAnd(r < s + Window[axis]);
    }
}
