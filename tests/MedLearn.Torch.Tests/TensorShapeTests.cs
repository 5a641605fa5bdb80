namespace MedLearn.Torch.Tests;

public class TensorShapeTests
{
    private static Tensor Range(params long[] shape)
    {
        long n = 1;
        foreach (var s in shape) n *= s;
        return torch.Arange(0, n, 1, DType.Float32).Reshape(shape);
    }

    [Fact]
    public void PermuteAndTransposeMoveElementsToTheSwappedPositions()
    {
        using var scope = DisposeScope.Open();
        var a = Range(2, 3, 4); // a[i,j,k] = 12i + 4j + k
        var p = a.Permute(2, 0, 1);
        Assert.Equal(new long[] { 4, 2, 3 }, p.Shape);
        var expected = new float[24];
        for (var k = 0; k < 4; k++)
            for (var i = 0; i < 2; i++)
                for (var j = 0; j < 3; j++)
                    expected[(k * 2 + i) * 3 + j] = 12 * i + 4 * j + k;
        Assert.Equal(expected, p.Contiguous().ToArray<float>());
        Assert.False(p.IsContiguous());

        var t = a.Transpose(0, 2);
        Assert.Equal(new long[] { 4, 3, 2 }, t.Shape);
        Assert.Equal(12 * 1 + 4 * 2 + 3, t.Select(0, 3).Select(0, 2).Select(0, 1).ToDouble());
        Assert.Equal(new long[] { 3, 2, 4 }, a.Movedim(0, 1).Shape);
    }

    [Fact]
    public void ViewOfNonContiguousTensorFailsButReshapeCopies()
    {
        using var scope = DisposeScope.Open();
        var t = Range(2, 3).Transpose(0, 1);
        var e = Assert.Throws<TorchArgumentException>(() => t.View(6));
        Assert.Contains("view size is not compatible", e.Message);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, t.Reshape(-1).ToArray<float>());
        Assert.Equal(new long[] { 3, 2 }, Range(6).View(3, -1).Shape);
    }

    [Fact]
    public void SqueezeUnsqueezeFlattenUnflattenChangeOnlyTheShape()
    {
        using var scope = DisposeScope.Open();
        var a = Range(1, 3, 1, 2);
        Assert.Equal(new long[] { 3, 2 }, a.Squeeze().Shape);
        Assert.Equal(new long[] { 1, 3, 2 }, a.Squeeze(2).Shape);
        Assert.Equal(new long[] { 1, 3, 1, 2 }, a.Squeeze(1).Shape); // size 3: unchanged
        Assert.Equal(new long[] { 1, 3, 1, 2, 1 }, a.Unsqueeze(-1).Shape);
        Assert.Equal(new long[] { 6 }, a.Flatten().Shape);
        Assert.Equal(new long[] { 1, 3, 2 }, a.Flatten(1, 2).Shape);
        var u = Range(2, 12).Unflatten(1, 3, -1);
        Assert.Equal(new long[] { 2, 3, 4 }, u.Shape);
        Assert.Equal(Range(24).ToArray<float>(), u.Contiguous().ToArray<float>());
        Assert.Equal(new long[] { 1 }, torch.Scalar(5).Flatten().Shape);
    }

    [Fact]
    public void ExpandBroadcastsWithZeroStrideAndRepeatTiles()
    {
        using var scope = DisposeScope.Open();
        var col = torch.FromArray(new float[] { 1, 2, 3 }, 3, 1);
        var e = col.Expand(3, 4);
        Assert.Equal(new long[] { 3, 4 }, e.Shape);
        Assert.Equal(0, e.Strides[1]);
        Assert.Equal(new float[] { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 }, e.Contiguous().ToArray<float>());
        Assert.Equal(new long[] { 3, 5 }, col.ExpandAs(torch.Zeros(3, 5)).Shape);

        var r = torch.FromArray(new float[] { 1, 2 }).Repeat(2, 3);
        Assert.Equal(new long[] { 2, 6 }, r.Shape);
        Assert.Equal(new float[] { 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2 }, r.ToArray<float>());
        Assert.Throws<TorchArgumentException>(() => col.Expand(2, 4));
    }

    [Fact]
    public void NarrowSelectAndSliceAreViewsWithPythonSliceSemantics()
    {
        using var scope = DisposeScope.Open();
        var a = Range(3, 10);
        Assert.Equal(new float[] { 13, 14, 15 }, a.Narrow(1, 3, 3).Select(0, 1).ToArray<float>());
        Assert.Equal(new float[] { 9, 19, 29 }, a.Select(1, -1).ToArray<float>());
        Assert.Equal(new float[] { 1, 3, 5, 7, 9 }, a.Select(0, 0).Slice(0, 1, null, 2).ToArray<float>());
        Assert.Equal(new float[] { 7, 8 }, a.Select(0, 0).Slice(0, -3, -1).ToArray<float>());
        Assert.Equal(0, a.Slice(1, 20, 30).NumEl); // clamped to empty, like Python
        Assert.Equal(new long[] { 2, 10 }, a.Slice(0, 1).Shape);

        // A slice is a view: writing through it changes the base tensor.
        a.Slice(1, 0, null, 5).Mul_(0);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 0, 6, 7, 8, 9 }, a.Select(0, 0).ToArray<float>());

        Assert.Throws<TorchArgumentException>(() => a.Narrow(1, 8, 5));
    }

    [Fact]
    public void SplitChunkAndUnbindPartitionTheTensor()
    {
        using var scope = DisposeScope.Open();
        var a = Range(7, 2);
        var parts = a.Split(3);
        Assert.Equal([3L, 3L, 1L], parts.Select(p => p.Size(0)));
        Assert.Equal(new float[] { 12, 13 }, parts[2].ToArray<float>());

        var sized = a.Split([1, 4, 2]);
        Assert.Equal([1L, 4L, 2L], sized.Select(p => p.Size(0)));
        Assert.Equal(new float[] { 10, 11, 12, 13 }, sized[2].ToArray<float>());
        Assert.Throws<TorchArgumentException>(() => a.Split([1, 2]));

        var chunks = a.Chunk(3);
        Assert.Equal([3L, 3L, 1L], chunks.Select(p => p.Size(0)));
        var cols = a.Chunk(2, 1);
        Assert.Equal(new float[] { 1, 3, 5, 7, 9, 11, 13 }, cols[1].Reshape(-1).ToArray<float>());

        var rows = a.Unbind();
        Assert.Equal(7, rows.Length);
        Assert.Equal(new long[] { 2 }, rows[4].Shape);
        Assert.Equal(new float[] { 8, 9 }, rows[4].ToArray<float>());
    }

    [Fact]
    public void FlipAndRollMatchHandAndGoldenResults()
    {
        using var scope = DisposeScope.Open();
        var a = Range(2, 3);
        Assert.Equal(new float[] { 5, 4, 3, 2, 1, 0 }, a.Flip(0, 1).ToArray<float>());
        Assert.Equal(new float[] { 2, 1, 0, 5, 4, 3 }, a.Flip(1).ToArray<float>());
        Assert.Equal(new float[] { 2, 0, 1, 5, 3, 4 }, a.Roll(1, 1).ToArray<float>());
        Assert.Equal(new float[] { 4, 5, 0, 1, 2, 3 }, a.Roll(2).ToArray<float>());

        var g = Golden.Load("ops");
        TensorAssert.Close(g.Tensor("roll_x_2_1"), g.Tensor("x").Roll(2, 1));
        TensorAssert.Close(g.Tensor("roll_y_flat_5"), g.Tensor("y").Roll(5));
    }

    [Fact]
    public void CatStackAndWhereCombineTensors()
    {
        using var scope = DisposeScope.Open();
        var a = Range(2, 2);
        var b = Range(2, 2) + 10;
        Assert.Equal(new float[] { 0, 1, 2, 3, 10, 11, 12, 13 }, torch.Cat([a, b]).ToArray<float>());
        Assert.Equal(new float[] { 0, 1, 10, 11, 2, 3, 12, 13 }, torch.Cat([a, b], 1).ToArray<float>());
        var s = torch.Stack([a, b], 1);
        Assert.Equal(new long[] { 2, 2, 2 }, s.Shape);
        Assert.Equal(new float[] { 0, 1, 10, 11, 2, 3, 12, 13 }, s.ToArray<float>());
        var e = Assert.Throws<TorchArgumentException>(() => torch.Stack([a, Range(3)]));
        Assert.Contains("stack expects each tensor to be equal size", e.Message);

        var cond = a.Gt(1.5);
        Assert.Equal(new float[] { 10, 11, 2, 3 }, torch.Where(cond, a, b).ToArray<float>());
        Assert.Equal(new float[] { -1, -1, 2, 3 }, torch.Where(cond, a, -1).ToArray<float>());
        Assert.Equal(new float[] { 10, 11, 7, 7 }, torch.Where(cond, 7, b).ToArray<float>());
    }

    [Fact]
    public void OutOfRangeDimensionRaisesArgumentExceptionAndProcessSurvives()
    {
        using var scope = DisposeScope.Open();
        var a = Range(2, 3);
        var e = Assert.Throws<TorchArgumentException>(() => a.Transpose(0, 5));
        Assert.Contains("Dimension out of range", e.Message);
        Assert.Throws<TorchArgumentException>(() => a.Unsqueeze(4));
        Assert.Throws<TorchArgumentException>(() => a.Select(0, 2));
        Assert.Throws<TorchArgumentException>(() => torch.Cat([a, a], 2));
        Assert.Equal(new long[] { 3, 2 }, a.Transpose(0, -1).Shape);
    }
}
