using System.Collections.Concurrent;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's Swin ShiftedWindowAttention (W-MSA / SW-MSA, Swin V1): on x [B, H, W, C], pad H and W to multiples
/// of the window, cyclically shift by −shift (torch.roll; no shift when the window covers the padded map), cut into
/// windows of Wh·Ww tokens, multi-head attention softmax(q·kᵀ/√d + B_rel + mask)·v per window, project, merge the
/// windows, shift back, crop. B_rel is <c>relative_position_bias_table</c>[(2Wh−1)(2Ww−1), heads] gathered by the
/// persistent int64 buffer <c>relative_position_index</c>; the shifted-window mask is −100 between tokens from
/// different regions of the shifted map (torchvision's value). State-dict order as torchvision:
/// relative_position_bias_table, relative_position_index, qkv.*, proj.*.
/// </summary>
public sealed class ShiftedWindowAttention : Module<Tensor, Tensor>
{
    private readonly Linear _qkv;
    private readonly Linear _proj;
    private readonly long _wh;
    private readonly long _ww;
    private readonly long _shiftH;
    private readonly long _shiftW;
    private readonly ConcurrentDictionary<(long, long, long, long), float[]> _masks = new();

    /// <summary>Attention over <paramref name="dim"/> channels in <paramref name="numHeads"/> heads, windows <paramref name="windowSize"/>, shift <paramref name="shiftSize"/>.</summary>
    public ShiftedWindowAttention(long dim, IReadOnlyList<long> windowSize, IReadOnlyList<long> shiftSize, long numHeads)
    {
        if (windowSize.Count != 2 || shiftSize.Count != 2) throw new ArgumentException("window_size and shift_size must be of length 2");
        if (dim % numHeads != 0) throw new ArgumentException($"dim {dim} must be divisible by num_heads {numHeads}", nameof(numHeads));
        (_wh, _ww, _shiftH, _shiftW) = (windowSize[0], windowSize[1], shiftSize[0], shiftSize[1]);
        NumHeads = numHeads;
        _qkv = RegisterModule("qkv", new Linear(dim, dim * 3));
        _proj = RegisterModule("proj", new Linear(dim, dim));
        RelativePositionBiasTable = RegisterParameter("relative_position_bias_table", torch.Zeros([(2 * _wh - 1) * (2 * _ww - 1), numHeads]))!;
        using (GradMode.NoGrad()) Init.TruncNormal_(RelativePositionBiasTable, std: 0.02);
        RelativePositionIndex = RegisterBuffer("relative_position_index", RelativeIndex(_wh, _ww))!;
    }

    /// <summary>Window height and width.</summary>
    internal (long H, long W) WindowSize => (_wh, _ww);

    /// <summary>Cyclic shift (height, width) before the windows are cut (0 or half the window).</summary>
    internal (long H, long W) ShiftSize => (_shiftH, _shiftW);

    /// <summary>Number of heads.</summary>
    public long NumHeads { get; }

    /// <summary>The learned bias per relative offset and head [(2Wh−1)(2Ww−1), heads].</summary>
    public Tensor RelativePositionBiasTable { get; }

    /// <summary>The table row of each (query, key) pair of a window, flattened [Wh·Ww·Wh·Ww] (int64).</summary>
    public Tensor RelativePositionIndex { get; }

    /// <summary>(dh + Wh − 1)·(2Ww − 1) + (dw + Ww − 1) for every pair of window positions (torchvision's index).</summary>
    private static Tensor RelativeIndex(long wh, long ww)
    {
        var n = wh * ww;
        var index = new long[n * n];
        for (long a = 0; a < n; a++)
            for (long b = 0; b < n; b++)
                index[a * n + b] = (a / ww - b / ww + wh - 1) * (2 * ww - 1) + (a % ww - b % ww + ww - 1);
        return torch.FromArray(index, n * n);
    }

    /// <summary>x [B, H, W, C] → same shape.</summary>
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 4) throw new ArgumentException($"ShiftedWindowAttention expects [B, H, W, C], got [{string.Join(", ", input.Shape)}]", nameof(input));
        using var scope = DisposeScope.Open();
        long b = input.Shape[0], h = input.Shape[1], w = input.Shape[2], c = input.Shape[3];
        var padR = (_ww - w % _ww) % _ww;
        var padB = (_wh - h % _wh) % _wh;
        var x = padR + padB > 0 ? Functional.Pad(input, [0, 0, 0, padR, 0, padB]) : input;
        long padH = h + padB, padW = w + padR;
        // No shift where the window covers the whole (padded) map.
        var shiftH = _wh >= padH ? 0 : _shiftH;
        var shiftW = _ww >= padW ? 0 : _shiftW;
        var shifted = shiftH + shiftW > 0;
        if (shifted) x = x.Roll([-shiftH, -shiftW], [1, 2]);

        long nh = padH / _wh, nw = padW / _ww, windows = nh * nw, n = _wh * _ww, d = c / NumHeads;
        x = x.View(b, nh, _wh, nw, _ww, c).Permute(0, 1, 3, 2, 4, 5).Reshape(b * windows, n, c);
        var qkv = _qkv.Forward(x).Reshape(b, windows, n, 3, NumHeads, d).Permute(3, 0, 1, 4, 2, 5); // 3, B, nW, heads, N, d
        var bias = RelativePositionBiasTable.IndexSelect(0, RelativePositionIndex).View(n, n, NumHeads).Permute(2, 0, 1); // heads, N, N
        if (shifted) bias = bias.Unsqueeze(0) + torch.FromArray(Mask(padH, padW, shiftH, shiftW), windows, 1, n, n); // nW, heads, N, N
        var attended = Functional.ScaledDotProductAttention(qkv.Select(0, 0), qkv.Select(0, 1), qkv.Select(0, 2), 1.0 / Math.Sqrt(d), bias);
        x = _proj.Forward(attended.Permute(0, 1, 3, 2, 4).Reshape(b * windows, n, c));

        x = x.View(b, nh, nw, _wh, _ww, c).Permute(0, 1, 3, 2, 4, 5).Reshape(b, padH, padW, c);
        if (shifted) x = x.Roll([shiftH, shiftW], [1, 2]);
        if (padR + padB > 0) x = x.Slice(1, 0, h).Slice(2, 0, w);
        return scope.MoveToOuter(x.Contiguous());
    }

    /// <summary>
    /// torchvision's shifted-window mask [nW·N·N]: the padded map is split into 3 x 3 regions by the slices
    /// (0, −window), (−window, −shift), (−shift, end) per axis (a zero shift leaves one region: the last slice is the whole axis); 0 between tokens of a window in the same region, −100 otherwise.
    /// </summary>
    internal float[] Mask(long padH, long padW, long shiftH, long shiftW) => _masks.GetOrAdd((padH, padW, shiftH, shiftW), _ =>
    {
        // With shift 0 on an axis torchvision's last slice (-0, None) covers the whole axis: one region.
        static int Region(long i, long size, long window, long shift) => shift == 0 ? 2 : i < size - window ? 0 : i < size - shift ? 1 : 2;
        long nh = padH / _wh, nw = padW / _ww, n = _wh * _ww;
        var mask = new float[nh * nw * n * n];
        var labels = new int[n];
        for (long wy = 0; wy < nh; wy++)
            for (long wx = 0; wx < nw; wx++)
            {
                for (long t = 0; t < n; t++)
                    labels[t] = Region(wy * _wh + t / _ww, padH, _wh, shiftH) * 3 + Region(wx * _ww + t % _ww, padW, _ww, shiftW);
                var offset = (wy * nw + wx) * n * n;
                for (long i = 0; i < n; i++)
                    for (long j = 0; j < n; j++)
                        mask[offset + i * n + j] = labels[i] == labels[j] ? 0f : -100f;
            }
        return mask;
    });
}
