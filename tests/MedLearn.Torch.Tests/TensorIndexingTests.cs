namespace MedLearn.Torch.Tests;

public class TensorIndexingTests
{
    private static Golden G => Golden.Load("ops");

    [Fact]
    public void GatherScatterAndScatterAddMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        var x = G.Tensor("x");
        var y = G.Tensor("y");
        TensorAssert.Close(G.Tensor("gather_x_2"), x.Gather(2, G.Tensor("gather_idx")));

        var sidx = G.Tensor("scatter_idx");
        TensorAssert.Close(G.Tensor("scatter_zeros_1_y"), torch.Zeros(3, 4).Scatter(1, sidx, y));
        var twoCols = sidx.Slice(1, 0, 2);
        TensorAssert.Close(G.Tensor("scatter_y_1_val"), y.Scatter(1, twoCols, -7.0));
        var inPlace = y.Clone();
        Assert.Same(inPlace, inPlace.Scatter_(1, twoCols, -7.0));
        TensorAssert.Close(G.Tensor("scatter_y_1_val"), inPlace);
        var src = torch.Zeros(3, 4).Scatter_(1, sidx, y);
        TensorAssert.Close(G.Tensor("scatter_zeros_1_y"), src);

        var aidx = G.Tensor("scatter_add_idx");
        TensorAssert.Close(G.Tensor("scatter_add_zeros_1_y"), torch.Zeros(3, 3).ScatterAdd(1, aidx, y));
        TensorAssert.Close(G.Tensor("scatter_add_zeros_1_y"), torch.Zeros(3, 3).ScatterAdd_(1, aidx, y));
        // Repeated indices accumulate: every row's sum is preserved.
        TensorAssert.Close(y.Sum(1), torch.Zeros(3, 3).ScatterAdd(1, aidx, y).Sum(1));
    }

    [Fact]
    public void IndexSelectMaskedSelectAndMaskedFillMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        var x = G.Tensor("x");
        var y = G.Tensor("y");
        TensorAssert.Close(G.Tensor("index_select_x_1"), x.IndexSelect(1, G.Tensor("index_select_idx")));
        TensorAssert.Close(G.Tensor("masked_select_y_pos"), y.MaskedSelect(y > 0));
        TensorAssert.Close(G.Tensor("masked_fill_y_neg"), y.MaskedFill(y < 0, 0.25));
        var copy = y.Clone();
        copy.MaskedFill_(copy < 0, 0.25);
        TensorAssert.Close(G.Tensor("masked_fill_y_neg"), copy);
        Assert.Equal(0, y.MaskedSelect(y > 100).NumEl);
    }

    [Fact]
    public void TensorIndexSelectsRowsAndMaskSelectsElements()
    {
        using var scope = DisposeScope.Open();
        var a = torch.Arange(0, 12, 1, DType.Float32).Reshape(4, 3);
        var rows = a.Index(torch.FromArray(new long[] { 3, 0, -1 }));
        Assert.Equal(new long[] { 3, 3 }, rows.Shape);
        Assert.Equal(new float[] { 9, 10, 11, 0, 1, 2, 9, 10, 11 }, rows.ToArray<float>());

        var mask = a.Remainder(4).Eq(0); // 0, 4, 8
        Assert.Equal(new float[] { 0, 4, 8 }, a.Index(mask).ToArray<float>());
        var rowMask = torch.FromArray(new[] { true, false, false, true });
        Assert.Equal(new float[] { 0, 1, 2, 9, 10, 11 }, a.Index(rowMask).ToArray<float>());

        // a[:, [2, 0]]
        var cols = a.Index(null, torch.FromArray(new long[] { 2, 0 }));
        Assert.Equal(new float[] { 2, 0, 5, 3, 8, 6, 11, 9 }, cols.ToArray<float>());

        var e = Assert.Throws<TorchArgumentException>(() => a.Index(torch.FromArray(new long[] { 4 })));
        Assert.Contains("out of bounds", e.Message);
    }

    [Fact]
    public void IndexPutWritesThroughMasksAndAccumulatesRepeatedIndices()
    {
        using var scope = DisposeScope.Open();
        var a = torch.FromArray(new float[] { -1, 2, -3, 4 });
        a.IndexPut_(a < 0, 0);
        Assert.Equal(new float[] { 0, 2, 0, 4 }, a.ToArray<float>());

        var b = torch.Zeros(3);
        var idx = torch.FromArray(new long[] { 0, 2, 0, 0 });
        b.IndexPut_(idx, torch.FromArray(new float[] { 1, 2, 3, 4 }), accumulate: true);
        Assert.Equal(new float[] { 8, 0, 2 }, b.ToArray<float>());

        var m = torch.Zeros(2, 3);
        m.IndexPut_([torch.FromArray(new long[] { 0, 1 }), torch.FromArray(new long[] { 2, 0 })], torch.FromArray(new float[] { 5, 6 }));
        Assert.Equal(new float[] { 0, 0, 5, 6, 0, 0 }, m.ToArray<float>());

        var masked = torch.Zeros(2, 2);
        masked.IndexPut_(torch.FromArray(new[] { true, false, false, true }, 2, 2), torch.FromArray(new float[] { 7, 8 }));
        Assert.Equal(new float[] { 7, 0, 0, 8 }, masked.ToArray<float>());
    }

    [Fact]
    public void NonzeroAndOneHotGiveIndexTensors()
    {
        using var scope = DisposeScope.Open();
        var a = torch.FromArray(new float[] { 0, 1, 0, 2, 3, 0 }, 2, 3);
        var nz = a.Nonzero();
        Assert.Equal(new long[] { 3, 2 }, nz.Shape);
        Assert.Equal(new long[] { 0, 1, 1, 0, 1, 1 }, nz.ToArray<long>());
        Assert.Equal(new long[] { 0, 2 }, torch.Zeros(2, 2).Nonzero().Shape);

        var oh = torch.FromArray(new long[] { 2, 0, 1 }).OneHot(4);
        Assert.Equal(new long[] { 3, 4 }, oh.Shape);
        Assert.Equal(new long[] { 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0 }, oh.ToArray<long>());
        Assert.Equal(new long[] { 3, 3 }, torch.FromArray(new long[] { 2, 0, 1 }).OneHot().Shape);
        Assert.Throws<TorchArgumentException>(() => torch.FromArray(new long[] { 5 }).OneHot(3));
    }

    [Fact]
    public void OutOfRangeIndexRaisesArgumentExceptionWithLibtorchMessage()
    {
        using var scope = DisposeScope.Open();
        var a = torch.Zeros(2, 3);
        var e1 = Assert.Throws<TorchArgumentException>(() => a.IndexSelect(1, torch.FromArray(new long[] { 0, 3 })));
        Assert.Contains("out of DATA bounds", e1.Message);
        var e2 = Assert.Throws<TorchArgumentException>(() => a.Gather(1, torch.FromArray(new long[] { 0, 7 }, 2, 1)));
        Assert.Contains("out of bounds", e2.Message);
        var e3 = Assert.Throws<TorchArgumentException>(() => a.Gather(3, torch.FromArray(new long[] { 0, 1 }, 2, 1)));
        Assert.Contains("Dimension out of range", e3.Message);
        Assert.Throws<TorchArgumentException>(() => a.Scatter(1, torch.FromArray(new long[] { 9, 0 }, 2, 1), 1.0));
        // The process and the thread's error state are fine afterwards.
        Assert.Equal(new long[] { 2, 1 }, a.Gather(1, torch.FromArray(new long[] { 0, 2 }, 2, 1)).Shape);
    }
}
