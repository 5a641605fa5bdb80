namespace MedLearn.Torch.Tests;

public class TensorReductionTests
{
    private static Golden G => Golden.Load("ops");

    [Fact]
    public void SumMeanProdAndCumSumMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        var x = G.Tensor("x");
        TensorAssert.Close(G.Tensor("sum_x_12_keep"), x.Sum([1, 2], keepdim: true));
        TensorAssert.Close(G.Tensor("mean_x_0"), x.Mean(0));
        var s64 = x.Sum(dtype: DType.Float64);
        Assert.Equal(DType.Float64, s64.DType);
        TensorAssert.Close(G.Tensor("sum_x_f64"), s64, 1e-9, 1e-9);
        TensorAssert.Close(G.Tensor("prod_y_1"), G.Tensor("y").Prod(1));
        TensorAssert.Close(G.Tensor("cumsum_x_1"), x.CumSum(1));
    }

    [Fact]
    public void ReductionsFollowAnalyticValuesAndEmptyTensorRules()
    {
        using var scope = DisposeScope.Open();
        var a = torch.FromArray(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var rowSums = a.Sum(1);
        Assert.Equal(DType.Int64, rowSums.DType);
        Assert.Equal(new long[] { 6, 15 }, rowSums.ToArray<long>());
        Assert.Equal(new long[] { 2, 1 }, a.Sum(-1, keepdim: true).Shape);
        Assert.Equal(new double[] { 2.5, 3.5, 4.5 }, a.Mean(0, dtype: DType.Float64).ToArray<double>());
        Assert.Equal(720, a.Prod().ToInt64());
        Assert.Equal(new long[] { 6, 120 }, a.Prod(1).ToArray<long>());
        Assert.Equal(new long[] { 4, 10, 18 }, a.Prod(0).ToArray<long>()); // 0 is a dim, not a dtype
        Assert.Equal(new long[] { 5, 7, 9 }, a.Sum(0).ToArray<long>());
        Assert.Equal(DType.Float64, a.Prod(dtype: DType.Float64).DType);
        Assert.Equal(new long[] { 1, 3, 6, 4, 9, 15 }, a.CumSum(1).ToArray<long>());
        Assert.Equal(new long[] { 1, 2, 6, 4, 20, 120 }, a.CumProd(1).ToArray<long>());

        var empty = torch.Zeros(0, 3);
        Assert.Equal(0.0, empty.Sum().ToDouble());
        Assert.Equal(new float[] { 0, 0, 0 }, empty.Sum(0).ToArray<float>());
        Assert.Equal(1.0, empty.Prod().ToDouble());
        Assert.True(double.IsNaN(empty.Mean().ToDouble()));
        Assert.True(double.IsNaN(torch.Ones(1).Std().ToDouble())); // N - 1 = 0
        Assert.Equal(0.0, empty.Norm().ToDouble());
        Assert.Equal(double.NegativeInfinity, empty.LogSumExp().ToDouble());
        var e = Assert.Throws<TorchArgumentException>(() => empty.Max());
        Assert.Contains("numel() == 0", e.Message);
    }

    [Fact]
    public void MaxMinArgmaxAndMedianMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        var x = G.Tensor("x");
        var (mv, mi) = x.Max(2);
        TensorAssert.Close(G.Tensor("max_x_2_values"), mv);
        Assert.Equal(G.Tensor("max_x_2_indices").ToArray<long>(), mi.ToArray<long>());
        var (nv, ni) = x.Min(0, keepdim: true);
        TensorAssert.Close(G.Tensor("min_x_0_values"), nv);
        Assert.Equal(G.Tensor("min_x_0_indices").ToArray<long>(), ni.ToArray<long>());
        Assert.Equal(G.Tensor("argmax_x_1").ToArray<long>(), x.Argmax(1).ToArray<long>());
        Assert.Equal(G.Tensor("argmin_x_flat").ToInt64(), x.Argmin().ToInt64());
        var (dv, di) = G.Tensor("y").Median(1);
        TensorAssert.Close(G.Tensor("median_y_1_values"), dv);
        Assert.Equal(G.Tensor("median_y_1_indices").ToArray<long>(), di.ToArray<long>());

        Assert.Equal(mv.Max().ToDouble(), x.Max().ToDouble());
        Assert.Equal(nv.Min().ToDouble(), x.Min().ToDouble());
        var t = torch.FromArray(new double[] { 3, 1, 4, 1, 5, 9 }, 2, 3);
        Assert.Equal(new double[] { 4, 9 }, t.Amax([1]).ToArray<double>());
        Assert.Equal(1.0, t.Amin([0, 1]).ToDouble());
        Assert.Equal(2.0, torch.FromArray(new double[] { 4, 1, 2, 3 }).Median().ToDouble()); // lower median
        Assert.True(double.IsNaN(torch.FromArray(new double[] { 1, double.NaN }).Max().ToDouble()));

        // NaN propagates: it is both the arg-max and the arg-min, and sorts last in ascending order.
        var withNan = torch.FromArray(new double[] { 1, double.NaN, -3 });
        Assert.Equal(1, withNan.Argmax().ToInt64());
        Assert.Equal(1, withNan.Argmin().ToInt64());
        Assert.True(double.IsNaN(withNan.Median().ToDouble()));
        Assert.Equal(new long[] { 2, 0, 1 }, withNan.Sort().Indices.ToArray<long>());
    }

    [Fact]
    public void TopKSortAndArgsortMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        var x = G.Tensor("x");
        var (tv, ti) = x.TopK(3, 1);
        TensorAssert.Close(G.Tensor("topk_x_3_1_values"), tv);
        Assert.Equal(G.Tensor("topk_x_3_1_indices").ToArray<long>(), ti.ToArray<long>());
        var (sv, si) = x.TopK(2, largest: false);
        TensorAssert.Close(G.Tensor("topk_x_2_small_values"), sv);
        Assert.Equal(G.Tensor("topk_x_2_small_indices").ToArray<long>(), si.ToArray<long>());

        var (ov, oi) = x.Sort(descending: true);
        TensorAssert.Close(G.Tensor("sort_x_desc_values"), ov);
        Assert.Equal(G.Tensor("sort_x_desc_indices").ToArray<long>(), oi.ToArray<long>());

        var ties = G.Tensor("ties");
        var (tsv, tsi) = ties.Sort(1, stable: true);
        Assert.Equal(G.Tensor("sort_ties_stable_values").ToArray<long>(), tsv.ToArray<long>());
        Assert.Equal(G.Tensor("sort_ties_stable_indices").ToArray<long>(), tsi.ToArray<long>());
        Assert.Equal(G.Tensor("argsort_ties_stable_desc").ToArray<long>(), ties.Argsort(1, descending: true, stable: true).ToArray<long>());

        var e = Assert.Throws<TorchArgumentException>(() => x.TopK(6, 2));
        Assert.Contains("selected index k out of range", e.Message);
    }

    [Fact]
    public void StdVarNormAndLogSumExpMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        var x = G.Tensor("x");
        TensorAssert.Close(G.Tensor("std_x_02"), x.Std([0, 2]));
        TensorAssert.Close(G.Tensor("std_x_all"), x.Std());
        TensorAssert.Close(G.Tensor("std_x_all"), x.Std(unbiased: true));
        TensorAssert.Close(G.Tensor("std_x_1_c0_keep"), x.Std(1, correction: 0, keepdim: true));
        TensorAssert.Close(G.Tensor("var_x_1_c0_keep"), x.Var(1, correction: 0, keepdim: true));
        TensorAssert.Close(G.Tensor("var_x_2"), x.Var(2));
        TensorAssert.Close(G.Tensor("var_x_all_biased"), x.Var(unbiased: false));
        TensorAssert.Close(G.Tensor("norm_x_3_12"), x.Norm(3, [1, 2]));
        TensorAssert.Close(G.Tensor("norm_x_2_all"), x.Norm());
        TensorAssert.Close(G.Tensor("norm_x_inf_all"), x.Norm(double.PositiveInfinity));
        TensorAssert.Close(G.Tensor("norm_x_1_0_keep"), x.Norm(1, 0, keepdim: true));
        TensorAssert.Close(G.Tensor("logsumexp_x_02"), x.LogSumExp([0, 2]));
        TensorAssert.Close(G.Tensor("logsumexp_x_all"), x.LogSumExp());
    }

    [Fact]
    public void StatisticsFollowTheirFormulas()
    {
        using var scope = DisposeScope.Open();
        var t = torch.FromArray(new double[] { 2, 4, 4, 4, 5, 5, 7, 9 }); // mean 5, sum of squares 32
        Assert.Equal(4.0, t.Var(unbiased: false).ToDouble(), 12);
        Assert.Equal(32.0 / 7, t.Var().ToDouble(), 12);
        Assert.Equal(2.0, t.Std(correction: 0).ToDouble(), 12);
        var v = torch.FromArray(new double[] { 3, -4 });
        Assert.Equal(5.0, v.Norm().ToDouble(), 12);
        Assert.Equal(7.0, v.Norm(1).ToDouble(), 12);
        Assert.Equal(4.0, v.Norm(double.PositiveInfinity).ToDouble(), 12);
        Assert.Equal(2.0, v.Norm(0).ToDouble(), 12);
        // logsumexp stays finite where the naive formula overflows.
        Assert.Equal(1000 + Math.Log(2), torch.FromArray(new double[] { 1000, 1000 }).LogSumExp(0).ToDouble(), 9);
    }

    [Fact]
    public void OutOfRangeReductionDimRaisesArgumentException()
    {
        using var scope = DisposeScope.Open();
        var a = torch.Zeros(2, 3);
        var e = Assert.Throws<TorchArgumentException>(() => a.Sum(2));
        Assert.Contains("Dimension out of range", e.Message);
        Assert.Throws<TorchArgumentException>(() => a.Max(-3));
        Assert.Throws<TorchArgumentException>(() => a.Sort(5));
        Assert.Throws<TorchArgumentException>(() => a.Std([0, 7]));
        Assert.Equal(new long[] { 3 }, a.Sum(0).Shape);
    }

    [Fact]
    public void LiveTensorCountReturnsToBaselineAfterOpsInScopes()
    {
        var baseline = LeakCheck.Baseline();
        for (var i = 0; i < 20; i++)
        {
            using var scope = DisposeScope.Open();
            var x = torch.Randn(4, 5);
            var (v, idx) = x.TopK(2);
            var parts = x.Split(2, 1);
            var y = torch.Cat(parts, 1).Softmax(1).Gather(1, idx) + v.Std(0).Sum();
            var (sv, _) = y.Sort();
            _ = sv.Index(sv > 0).Sum().ToDouble();
            var g = torch.Ones(3).RequiresGrad_();
            _ = torch.Autograd.Grad((g * g).Sum(), g);
            Assert.True(LiveTensors.Count > baseline);
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }
}
