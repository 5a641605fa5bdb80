namespace MedLearn.Torch.Tests;

public class TensorMathTests
{
    private static Golden G => Golden.Load("ops");

    [Fact]
    public void UnaryFunctionsMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        var y = G.Tensor("y");
        var pos = G.Tensor("pos");
        TensorAssert.Close(G.Tensor("exp_y"), y.Exp());
        TensorAssert.Close(G.Tensor("expm1_y"), y.Expm1());
        TensorAssert.Close(G.Tensor("log1p_pos"), pos.Log1p());
        TensorAssert.Close(G.Tensor("rsqrt_pos"), pos.Rsqrt());
        TensorAssert.Close(G.Tensor("sigmoid_y"), y.Sigmoid());
        TensorAssert.Close(G.Tensor("tanh_y"), y.Tanh());
        TensorAssert.Close(G.Tensor("round_y4"), (y * 4).Round());
        TensorAssert.Close(G.Tensor("softmax_x_1"), G.Tensor("x").Softmax(1));
        TensorAssert.Close(G.Tensor("log_softmax_x_m1"), G.Tensor("x").LogSoftmax(-1));
    }

    [Fact]
    public void UnaryFunctionsFollowAnalyticValuesAndEdgeCases()
    {
        using var scope = DisposeScope.Open();
        var t = torch.FromArray(new double[] { 0, 1, 4, -1 });
        TensorAssert.Close([0, 1, 2, double.NaN], t.Sqrt().ToArray<double>());
        TensorAssert.Close([double.PositiveInfinity, 1, 0.5], t.Slice(0, 0, 3).Rsqrt().ToArray<double>());
        TensorAssert.Close([double.NegativeInfinity, 0, Math.Log(4)], t.Slice(0, 0, 3).Log().ToArray<double>());
        TensorAssert.Close([0, 1, 1, -1], t.Sign().ToArray<double>());
        TensorAssert.Close([0, 1, 4, 1], t.Abs().ToArray<double>());
        TensorAssert.Close([0, Math.Sin(1), Math.Sin(4), -Math.Sin(1)], t.Sin().ToArray<double>(), 1e-12);
        TensorAssert.Close([1, Math.Cos(1), Math.Cos(4), Math.Cos(1)], t.Cos().ToArray<double>(), 1e-12);
        TensorAssert.Close([0, 2, 2, 2], torch.FromArray(new double[] { 0.5, 1.5, 2.5, 2.4 }).Round().ToArray<double>()); // ties to even
        TensorAssert.Close([-2, 1], torch.FromArray(new double[] { -1.5, 1.5 }).Floor().ToArray<double>());
        TensorAssert.Close([-1, 2], torch.FromArray(new double[] { -1.5, 1.5 }).Ceil().ToArray<double>());

        var inPlace = torch.FromArray(new double[] { 0, 2 });
        Assert.Same(inPlace, inPlace.Exp_());
        TensorAssert.Close([1, Math.Exp(2)], inPlace.ToArray<double>(), 1e-12);
        inPlace.Sqrt_().Abs_().Sigmoid_();
        TensorAssert.Close([1 / (1 + Math.Exp(-1)), 1 / (1 + Math.Exp(-Math.E))], inPlace.ToArray<double>(), 1e-12);

        // Softmax of a row sums to 1 and is invariant to shifts; a row of -inf gives NaN.
        var s = torch.FromArray(new double[] { 1000, 1001, 1002 }).Softmax(0);
        var e = new[] { Math.Exp(-2), Math.Exp(-1), 1.0 };
        var z = e.Sum();
        TensorAssert.Close(e.Select(v => v / z).ToArray(), s.ToArray<double>(), 1e-12);
        Assert.True(torch.Full([2], double.NegativeInfinity, DType.Float64).Softmax(0).IsNan().All().ToInt64() == 1);
    }

    [Fact]
    public void BinaryArithmeticMatchesPyTorch()
    {
        using var scope = DisposeScope.Open();
        var y = G.Tensor("y");
        var z = G.Tensor("z");
        var pos = G.Tensor("pos");
        TensorAssert.Close(G.Tensor("pow_pos_y"), pos.Pow(y));
        TensorAssert.Close(G.Tensor("pow_y_3"), y.Pow(3));
        TensorAssert.Close(G.Tensor("rpow_2_y"), torch.Pow(2.0, y));
        TensorAssert.Close(G.Tensor("remainder_y_0.7"), (y * 3).Remainder(0.7));
        TensorAssert.Close(G.Tensor("remainder_y_0.7"), y * 3 % 0.7);
        TensorAssert.Close(G.Tensor("fmod_y_0.7"), (y * 3).Fmod(0.7));
        TensorAssert.Close(G.Tensor("rdiv_2_pos"), 2.0 / pos);
        TensorAssert.Close(G.Tensor("clamp_y"), y.Clamp(-0.5, 0.3));
        TensorAssert.Close(G.Tensor("clamp_min_y"), y.Clamp(min: 0.1));
        TensorAssert.Close(G.Tensor("lerp_y_z_0.3"), y.Lerp(z, 0.3));
        TensorAssert.Close(G.Tensor("addcdiv_y_z_pos"), y.Addcdiv(z, pos, 0.5));
        TensorAssert.Close(G.Tensor("addcmul_y_z_pos"), y.Addcmul(z, pos, -2.0));
        TensorAssert.Close(G.Tensor("maximum_y_z"), y.Maximum(z));
        TensorAssert.Close(G.Tensor("minimum_y_z"), y.Minimum(z));
    }

    [Fact]
    public void ArithmeticEdgeCasesFollowPythonSemantics()
    {
        using var scope = DisposeScope.Open();
        var a = torch.FromArray(new double[] { -3, 3, -3, 3 });
        var b = torch.FromArray(new double[] { 2, 2, -2, -2 });
        Assert.Equal(new double[] { 1, 1, -1, -1 }, a.Remainder(b).ToArray<double>()); // sign of the divisor
        Assert.Equal(new double[] { -1, 1, -1, 1 }, a.Fmod(b).ToArray<double>());      // sign of the dividend
        Assert.Equal(new double[] { -2, 1, 1, -2 }, a.FloorDivide(b).ToArray<double>());
        Assert.Equal(new double[] { 1, 9 }, torch.FromArray(new double[] { 0, 3 }).Pow(torch.FromArray(new double[] { 0, 2 })).ToArray<double>());
        Assert.True(torch.FromArray(new double[] { -8 }).Pow(1.0 / 3).IsNan().ToInt64() == 1);

        var ints = torch.FromArray(new long[] { 1, 2, 4 });
        var r = 1.0 / ints;
        Assert.Equal(DType.Float32, r.DType); // integer tensor: true division gives the default float dtype
        Assert.Equal(new float[] { 1, 0.5f, 0.25f }, r.ToArray<float>());
        Assert.Equal(new float[] { float.PositiveInfinity }, (1.0 / torch.Zeros(1)).ToArray<float>());

        var p = torch.FromArray(new double[] { 2, 3 });
        p.Pow_(2).Pow_(torch.FromArray(new double[] { 0.5, 1 }));
        Assert.Equal(new double[] { 2, 9 }, p.ToArray<double>());
    }

    [Fact]
    public void ClampLerpAndAddcFormsWorkInPlace()
    {
        using var scope = DisposeScope.Open();
        var t = torch.FromArray(new double[] { -2, 0.5, 3, double.NaN });
        Assert.Same(t, t.Clamp_(-1, 1));
        var v = t.ToArray<double>();
        Assert.Equal(new double[] { -1, 0.5, 1 }, v[..3]);
        Assert.True(double.IsNaN(v[3]));
        Assert.Equal(new double[] { 2, 5 }, torch.FromArray(new double[] { 1, 5 }).Clamp(min: 2).ToArray<double>());
        Assert.Equal(new double[] { 1, 2 }, torch.FromArray(new double[] { 1, 5 }).Clamp(max: 2).ToArray<double>());
        var lo = torch.FromArray(new double[] { 0, 4 });
        Assert.Equal(new double[] { 0, 6 }, torch.FromArray(new double[] { -1, 9 }).Clamp(lo, lo + 2).ToArray<double>());
        Assert.Equal(new double[] { 0, 9 }, torch.FromArray(new double[] { -1, 9 }).Clamp(lo, null).ToArray<double>());

        var start = torch.FromArray(new double[] { 0, 10 });
        var end = torch.FromArray(new double[] { 10, 20 });
        Assert.Equal(new double[] { 2.5, 12.5 }, start.Lerp(end, 0.25).ToArray<double>());
        Assert.Equal(new double[] { 0, 20 }, start.Lerp(end, torch.FromArray(new double[] { 0, 1 })).ToArray<double>());
        start.Lerp_(end, 0.5);
        Assert.Equal(new double[] { 5, 15 }, start.ToArray<double>());

        var acc = torch.FromArray(new double[] { 1, 1 });
        acc.Addcmul_(torch.FromArray(new double[] { 2, 3 }), torch.FromArray(new double[] { 4, 5 }), 0.5).Addcdiv_(torch.FromArray(new double[] { 1, 1 }), torch.FromArray(new double[] { 2, 4 }));
        Assert.Equal(new double[] { 1 + 4 + 0.5, 1 + 7.5 + 0.25 }, acc.ToArray<double>());
    }

    [Fact]
    public void NanAndInfTestsAndNanToNum()
    {
        using var scope = DisposeScope.Open();
        var t = torch.FromArray(new float[] { 1, float.NaN, float.PositiveInfinity, float.NegativeInfinity });
        Assert.Equal(new[] { false, true, false, false }, t.IsNan().ToArray<bool>());
        Assert.Equal(new[] { false, false, true, true }, t.IsInf().ToArray<bool>());
        Assert.Equal(new[] { true, false, false, false }, t.IsFinite().ToArray<bool>());
        Assert.Equal(new float[] { 1, 0, float.MaxValue, float.MinValue }, t.NanToNum().ToArray<float>());
        Assert.Equal(new float[] { 1, -1, 100, -100 }, t.NanToNum(-1, 100, -100).ToArray<float>());
        t.NanToNum_(5, 6, 7);
        Assert.Equal(new float[] { 1, 5, 6, 7 }, t.ToArray<float>());
        Assert.Equal(new[] { true, true }, torch.FromArray(new long[] { 1, 2 }).IsFinite().ToArray<bool>());
    }

    [Fact]
    public void ComparisonsReturnBoolTensorsAndHandleNaN()
    {
        using var scope = DisposeScope.Open();
        var a = torch.FromArray(new float[] { 1, 2, 3, float.NaN });
        var b = torch.FromArray(new float[] { 3, 2, 1, float.NaN });
        Assert.Equal(DType.Bool, a.Eq(b).DType);
        Assert.Equal(new[] { false, true, false, false }, a.Eq(b).ToArray<bool>());
        Assert.Equal(new[] { true, false, true, true }, a.Ne(b).ToArray<bool>());
        Assert.Equal(new[] { true, false, false, false }, (a < b).ToArray<bool>());
        Assert.Equal(new[] { true, true, false, false }, (a <= b).ToArray<bool>());
        Assert.Equal(new[] { false, false, true, false }, (a > b).ToArray<bool>());
        Assert.Equal(new[] { false, true, true, false }, (a >= b).ToArray<bool>());
        Assert.Equal(new[] { false, true, false, false }, a.Eq(2).ToArray<bool>());
        Assert.Equal(new[] { false, false, true, false }, (a > 2).ToArray<bool>());
        Assert.Equal(new[] { true, false, false, false }, (2 > a).ToArray<bool>());
        Assert.Equal(new[] { false, true, true, false }, (2 <= a).ToArray<bool>());
        Assert.Equal(new[] { true, true, false, false }, a.Le(2).ToArray<bool>());

        var p = torch.FromArray(new[] { true, true, false, false });
        var q = torch.FromArray(new[] { true, false, true, false });
        Assert.Equal(new[] { true, false, false, false }, p.LogicalAnd(q).ToArray<bool>());
        Assert.Equal(new[] { true, true, true, false }, p.LogicalOr(q).ToArray<bool>());
        Assert.Equal(new[] { false, true, true, false }, p.LogicalXor(q).ToArray<bool>());
        Assert.Equal(new[] { false, false, true, true }, p.LogicalNot().ToArray<bool>());
        Assert.Equal(new[] { false, true }, torch.FromArray(new float[] { 0, 2.5f }).LogicalAnd(torch.Ones(2)).ToArray<bool>());

        Assert.Equal(0, p.All().ToInt64());
        Assert.Equal(1, p.Any().ToInt64());
        Assert.Equal(1, torch.Zeros(0).All().ToInt64()); // empty: all true, any false
        Assert.Equal(0, torch.Zeros(0).Any().ToInt64());
        var m = torch.FromArray(new[] { true, true, false, true }, 2, 2);
        Assert.Equal(new[] { false, true }, m.All(0).ToArray<bool>());
        Assert.Equal(new long[] { 2, 1 }, m.Any(1, keepdim: true).Shape);
        Assert.Equal(new[] { true, true }, m.Any(1).ToArray<bool>());
    }

    [Fact]
    public void AllCloseAndEqualGiveBooleans()
    {
        using var scope = DisposeScope.Open();
        var a = torch.FromArray(new double[] { 1, 2, double.NaN });
        var b = a + 1e-9;
        Assert.False(a.AllClose(b)); // NaN != NaN by default
        Assert.True(a.AllClose(b, equalNan: true));
        Assert.False(a.AllClose(a + 1e-3, equalNan: true));
        Assert.True(a.AllClose(a + 1e-3, atol: 1e-2, equalNan: true));
        Assert.Equal(new[] { true, true, true }, a.IsClose(b, equalNan: true).ToArray<bool>());
        var c = torch.FromArray(new double[] { 1, 2 });
        Assert.True(c.Equal(c.Clone()));
        Assert.False(c.Equal(c + 1e-12));
        Assert.False(c.Equal(torch.FromArray(new double[] { 1, 2, 3 })));
        Assert.False(a.Equal(a)); // contains NaN
        Assert.Throws<TorchArgumentException>(() => c.AllClose(torch.Zeros([3], DType.Float64)));
    }

    [Fact]
    public void MatrixProductsAndEinsumMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        var a = G.Tensor("a");
        var b = G.Tensor("b");
        var sq = G.Tensor("sq");
        TensorAssert.Close(G.Tensor("einsum_bij_bjk"), torch.Einsum("bij,bjk->bik", a, b));
        TensorAssert.Close(G.Tensor("bmm_a_b"), a.Bmm(b));
        TensorAssert.Close(G.Tensor("einsum_bij_bjk"), a.Bmm(b));
        TensorAssert.Close(G.Tensor("einsum_trace"), torch.Einsum("ii->", sq));
        TensorAssert.Close(G.Tensor("einsum_bij_j"), torch.Einsum("bij->j", a));
        TensorAssert.Close(G.Tensor("mm_sq_sq"), sq.Mm(sq));
        TensorAssert.Close(G.Tensor("outer_y0_z1"), G.Tensor("y").Select(0, 0).Outer(G.Tensor("z").Select(0, 1)));

        var u = torch.FromArray(new double[] { 1, 2, 3 });
        var v = torch.FromArray(new double[] { 4, -5, 6 });
        Assert.Equal(12.0, u.Dot(v).ToDouble());
        Assert.Equal(0.0, torch.Zeros([0], DType.Float64).Dot(torch.Zeros([0], DType.Float64)).ToDouble());
        Assert.Equal(new double[] { 4, -5, 6, 8, -10, 12, 12, -15, 18 }, u.Outer(v).ToArray<double>());

        Assert.Throws<TorchArgumentException>(() => sq.Mm(a));
        Assert.Throws<TorchArgumentException>(() => sq.Bmm(sq));
        var e = Assert.Throws<TorchArgumentException>(() => torch.Einsum("ij,jk->ik", sq));
        Assert.Contains("einsum()", e.Message);
    }

    [Fact]
    public void IntegerAddAndSubKeepTheirDTypeWithAnIntegralAlpha()
    {
        // libtorch refused alpha = 1.0 for integral tensors ("alpha must not be a floating point number"): the shim
        // now passes an integral alpha as an integer (issue 12, MONOCHROME1 inversion of uint8/int32 pixels).
        using var scope = DisposeScope.Open();
        var a = torch.FromArray(new byte[] { 255, 255, 255 }, 3);
        var b = torch.FromArray(new byte[] { 0, 100, 255 }, 3);
        var d = a.Sub(b);
        Assert.Equal(DType.UInt8, d.DType);
        Assert.Equal(new byte[] { 255, 155, 0 }, d.ToArray<byte>());
        var i = torch.FromArray(new[] { 1, 2, 3 }, 3);
        Assert.Equal(new[] { 7, 10, 13 }, i.Add(torch.FromArray(new[] { 3, 4, 5 }, 3), 2).ToArray<int>());
        Assert.Equal(new[] { -2, -2, -2 }, i.Sub(torch.FromArray(new[] { 3, 4, 5 }, 3)).ToArray<int>());
        Assert.Throws<TorchArgumentException>(() => i.Add(i, 0.5)); // a fractional alpha stays an error, as in PyTorch
    }
}
