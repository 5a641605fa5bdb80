using F = MedLearn.Torch.Nn.Functional;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;
using Xunit.Abstractions;

namespace MedLearn.Torch.Tests;

public class AmpTests(ITestOutputHelper output)
{
    [Fact]
    public void Conv2dAndLinearProduceBf16ActivationsAndFloat32WeightGradients()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(1);
        using var conv = new Conv2d(3, 4, 3, padding: 1);
        using var linear = new Linear(4 * 5 * 5, 2);
        var x = torch.Randn(2, 3, 5, 5);
        Tensor h, y;
        using (Autocast.Enable(Device.CPU, DType.BFloat16))
        {
            h = conv.Forward(x);
            y = linear.Forward(h.Flatten(1));
        }
        Assert.Equal(DType.BFloat16, h.DType);
        Assert.Equal(DType.BFloat16, y.DType);
        Assert.Equal(DType.Float32, conv.Weight.DType);
        y.Float().Sum().Backward();
        foreach (var p in conv.Parameters().Concat(linear.Parameters()))
        {
            Assert.Equal(DType.Float32, p.DType);
            Assert.Equal(DType.Float32, p.Grad!.DType);
        }
        // Same layers outside the scope: float32 again, and the cast cache is gone.
        Assert.Equal(DType.Float32, conv.Forward(x).DType);
    }

    [Fact]
    public void Bf16ChannelsLastTrainingTracksFloat32Training()
    {
        // Same seed, same data, 30 SGD steps: float32 NCHW vs bf16 autocast + channels-last (the CPU fast path).
        const int steps = 30;
        double[] Run(PrecisionPlan? plan)
        {
            using var scope = DisposeScope.Open();
            using var model = SmallCnn.Create(seed: 7);
            var (x, y) = SmallCnn.Batch(seed: 11);
            if (plan is not null)
            {
                plan.Apply(model);
                x = plan.PrepareInput(x);
            }
            using var sgd = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
            return [.. Enumerable.Range(0, steps).Select(_ => SmallCnn.Step(model, sgd, x, y, plan))];
        }
        var fp32 = Run(null);
        var bf16Plan = PrecisionPlan.Resolve(Precision.Bf16, Device.CPU, spatialDims: 2);
        Assert.Equal(MemoryFormat.ChannelsLast, bf16Plan.MemoryFormat);
        var bf16 = Run(bf16Plan);
        output.WriteLine("step  fp32     bf16+channels_last");
        for (var i = 0; i < steps; i++) output.WriteLine($"{i,4}  {fp32[i]:F5}  {bf16[i]:F5}");
        // Both learn ...
        Assert.True(fp32[^1] < 0.85 * fp32[0], $"fp32 did not learn: {fp32[0]} -> {fp32[^1]}");
        Assert.True(bf16[^1] < 0.85 * bf16[0], $"bf16 did not learn: {bf16[0]} -> {bf16[^1]}");
        // ... and stay together: the first losses differ by bfloat16 rounding only (tolerance 0.01) and every
        // loss of the run stays within 0.05 of float32's (measured: < 0.002 on the Xeon/AMX dev VM).
        Assert.InRange(Math.Abs(bf16[0] - fp32[0]), 0, 0.01);
        for (var i = 0; i < steps; i++) Assert.InRange(Math.Abs(bf16[i] - fp32[i]), 0, 0.05);
    }

    // --- autocast ------------------------------------------------------------------------------------------

    [Fact]
    public void AutocastMatmulRunsInBFloat16InsideTheScopeOnly()
    {
        using var scope = DisposeScope.Open();
        var a = torch.Randn(4, 8);
        var b = torch.Randn(8, 3);
        Tensor inside;
        using (Autocast.Enable(Device.CPU, DType.BFloat16)) inside = a.MatMul(b);
        Assert.Equal(DType.BFloat16, inside.DType);
        Assert.Equal(DType.Float32, a.MatMul(b).DType);
        // Element-wise ops are not on autocast's lists: they keep their input dtype.
        using (Autocast.Enable(Device.CPU)) Assert.Equal(DType.Float32, (a + 1).DType);
    }

    [Fact]
    public void GradientsOfFloat32LeavesUnderAutocastAreFloat32()
    {
        using var scope = DisposeScope.Open();
        var w = torch.Randn(8, 3).RequiresGrad_();
        var x = torch.Randn(4, 8);
        Tensor y;
        using (Autocast.Enable(Device.CPU, DType.BFloat16)) y = x.MatMul(w);
        Assert.Equal(DType.BFloat16, y.DType);
        y.Float().Sum().Backward();
        var g = w.Grad!;
        Assert.Equal(DType.Float32, g.DType);
        Assert.Equal(new long[] { 8, 3 }, g.Shape);
    }

    [Fact]
    public void AutocastScopesNestAndRestoreThePreviousState()
    {
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        var initialDType = Autocast.GetDType(DeviceType.CPU);
        using (var outer = Autocast.Enable(Device.CPU, DType.BFloat16))
        {
            Assert.True(Autocast.IsEnabled(DeviceType.CPU));
            Assert.Same(outer, Autocast.Current);
            using (Autocast.Disable(Device.CPU))
            {
                Assert.False(Autocast.IsEnabled(DeviceType.CPU));
                using var scope = DisposeScope.Open();
                Assert.Equal(DType.Float32, torch.Randn(2, 2).MatMul(torch.Randn(2, 2)).DType);
                using (Autocast.Enable(Device.CPU)) Assert.True(Autocast.IsEnabled(DeviceType.CPU));
                Assert.False(Autocast.IsEnabled(DeviceType.CPU));
            }
            Assert.True(Autocast.IsEnabled(DeviceType.CPU));
            Assert.Same(outer, Autocast.Current);
            // The CUDA flag is independent of the CPU one.
            Assert.False(Autocast.IsEnabled(DeviceType.CUDA));
        }
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.Equal(initialDType, Autocast.GetDType(DeviceType.CPU));
        Assert.Null(Autocast.Current);
    }

    [Fact]
    public void CudaAutocastStateIsSetAndRestoredIndependently()
    {
        var before = Autocast.GetDType(DeviceType.CUDA);
        using (Autocast.Enable(Device.CUDA(), DType.BFloat16))
        {
            Assert.True(Autocast.IsEnabled(DeviceType.CUDA));
            Assert.Equal(DType.BFloat16, Autocast.GetDType(DeviceType.CUDA));
            Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        }
        Assert.False(Autocast.IsEnabled(DeviceType.CUDA));
        Assert.Equal(before, Autocast.GetDType(DeviceType.CUDA));
    }

    [Fact]
    public void AutocastStateIsThreadLocal()
    {
        using var ac = Autocast.Enable(Device.CPU, DType.BFloat16);
        bool? otherThreadSees = null;
        var t = new Thread(() => otherThreadSees = Autocast.IsEnabled(DeviceType.CPU));
        t.Start();
        t.Join();
        Assert.False(otherThreadSees);
        Assert.True(Autocast.IsEnabled(DeviceType.CPU));
    }

    [Fact]
    public void AutocastScopesMustCloseInnermostFirst()
    {
        var outer = Autocast.Enable(Device.CPU);
        var inner = Autocast.Disable(Device.CPU);
        Assert.Throws<InvalidOperationException>(outer.Dispose);
        inner.Dispose();
        outer.Dispose();
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
    }

    [Fact]
    public void UnsupportedAutocastDTypeThrowsAndLeavesTheStateAlone()
    {
        Assert.Throws<NotSupportedException>(() => Autocast.Enable(Device.CPU, DType.Float16));
        Assert.Throws<NotSupportedException>(() => Autocast.Enable(Device.CUDA(), DType.Float64));
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.Null(Autocast.Current);
    }

    // --- grad scaler --------------------------------------------------------------------------------------

    private static Tensor ParamWithGrad(float[] grad)
    {
        var p = torch.Zeros([grad.Length], requiresGrad: true);
        p.Grad = torch.FromArray(grad, grad.Length);
        return p;
    }

    [Fact]
    public void UnscaleDividesGradientsExactlyByTheScale()
    {
        using var scope = DisposeScope.Open();
        using var scaler = new GradScaler(initScale: 1024);
        var loss = scaler.Scale(torch.Scalar(0.25));
        Assert.Equal(256.0, loss.ToDouble());
        float[] values = [1.5f, -3.0f, 0.1f, 1e-6f, 12345.678f];
        var p = ParamWithGrad([.. values.Select(v => v * 1024f)]);
        var q = torch.Zeros(2).RequiresGrad_(); // no gradient: skipped
        var s = torch.Scalar(0).RequiresGrad_(); // 0-dim parameter
        s.Grad = torch.Scalar(2048);
        scaler.Unscale_([p, q, s]);
        Assert.Equal(values, p.Grad!.ToArray<float>());
        Assert.Equal(2.0, s.Grad!.ToDouble());
        Assert.Null(q.Grad);
        // A second unscale of the same optimiser before Update is a usage error.
        Assert.Throws<InvalidOperationException>(() => scaler.Unscale_([p]));
        var stepped = scaler.Step([p], () => { });
        Assert.True(stepped);
        Assert.Equal(values, p.Grad!.ToArray<float>()); // not unscaled twice
        scaler.Update();
        Assert.Equal(1024.0, scaler.GetScale());
        Assert.Equal(1, scaler.GetGrowthTracker());
    }

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NaN)]
    public void NonFiniteGradientSkipsTheStepAndBacksOffTheScale(float bad)
    {
        using var scope = DisposeScope.Open();
        using var scaler = new GradScaler(initScale: 65536, backoffFactor: 0.25, growthInterval: 3);
        scaler.Scale(torch.Scalar(1.0));
        var good = ParamWithGrad([1f, 2f]);
        var p = ParamWithGrad([1f, bad, 3f]);
        var ran = 0;
        // Two clean iterations first: the tracker counts them; the overflow resets it.
        for (var i = 0; i < 2; i++)
        {
            good.Grad = torch.FromArray(new[] { 1f, 2f }, 2);
            Assert.True(scaler.Step([good], () => ran++));
            scaler.Update();
        }
        Assert.Equal(2, scaler.GetGrowthTracker());
        Assert.False(scaler.Step([good, p], () => ran++));
        Assert.Equal(2, ran);
        scaler.Update();
        Assert.Equal(65536 * 0.25, scaler.GetScale());
        Assert.Equal(0, scaler.GetGrowthTracker());
    }

    [Fact]
    public void ScaleGrowsAfterGrowthIntervalCleanSteps()
    {
        using var scope = DisposeScope.Open();
        using var scaler = new GradScaler(initScale: 8, growthFactor: 3, growthInterval: 4);
        scaler.Scale(torch.Scalar(1.0));
        var p = ParamWithGrad([1f]);
        var scales = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            p.Grad = torch.FromArray(new[] { 1f }, 1);
            scaler.Step([p], () => { });
            scaler.Update();
            scales.Add(scaler.GetScale());
        }
        Assert.Equal(new double[] { 8, 8, 8, 24, 24, 24, 24, 72, 72 }, scales);
        Assert.Equal(1, scaler.GetGrowthTracker());
    }

    [Fact]
    public void SeveralOptimisersShareOneScalerAndAnyOverflowBacksOff()
    {
        using var scope = DisposeScope.Open();
        using var scaler = new GradScaler(initScale: 16);
        scaler.Scale(torch.Scalar(1.0));
        var (opt1, opt2) = (new object(), new object());
        var a = ParamWithGrad([16f]);
        var b = ParamWithGrad([float.PositiveInfinity]);
        Assert.True(scaler.Step([a], () => { }, opt1));
        Assert.False(scaler.Step([b], () => { }, opt2));
        Assert.Throws<InvalidOperationException>(() => scaler.Step([a], () => { }, opt1));
        scaler.Update();
        Assert.Equal(8.0, scaler.GetScale());
        Assert.Equal(new[] { 1f }, a.Grad!.ToArray<float>());
    }

    [Fact]
    public void ScalerDrivesAnOptimizerAndSkipsItsStepOnOverflow()
    {
        using var scope = DisposeScope.Open();
        using var model = SmallCnn.Create(seed: 3);
        using var sgd = new SGD(model.Parameters(), lr: 0.1);
        using var scaler = new GradScaler(initScale: 256);
        var (x, y) = SmallCnn.Batch(seed: 4);
        var loss = Functional.CrossEntropy(model.Forward(x), y);
        scaler.Scale(loss).Backward();
        var before = model.Parameters().Select(p => p.Clone().Detach()).ToList();
        // Poison one gradient: the whole step is skipped.
        var first = model.Parameters().First();
        using (GradMode.NoGrad()) first.Grad!.Add_(double.PositiveInfinity);
        Assert.False(scaler.Step(sgd));
        scaler.Update();
        Assert.Equal(128.0, scaler.GetScale());
        foreach (var (p, b) in model.Parameters().Zip(before)) Assert.Equal(b.ToArray<float>(), p.Detach().ToArray<float>());
        // A clean iteration steps.
        sgd.ZeroGrad();
        scaler.Scale(Functional.CrossEntropy(model.Forward(x), y)).Backward();
        Assert.True(scaler.Step(sgd));
        scaler.Update();
        Assert.NotEqual(before[^1].ToArray<float>(), model.Parameters().Last().Detach().ToArray<float>());
    }

    [Fact]
    public void DisabledScalerIsAPassThrough()
    {
        using var scope = DisposeScope.Open();
        using var scaler = new GradScaler(enabled: false);
        var loss = torch.Scalar(3.0);
        Assert.Same(loss, scaler.Scale(loss));
        var p = ParamWithGrad([float.PositiveInfinity, 2f]);
        var ran = false;
        Assert.True(scaler.Step([p], () => ran = true));
        Assert.True(ran);
        scaler.Update();
        Assert.Equal(1.0, scaler.GetScale());
        Assert.Empty(scaler.StateDict());
        Assert.Equal(new[] { float.PositiveInfinity, 2f }, p.Grad!.ToArray<float>());
    }

    [Fact]
    public void UpdateWithoutScaleOrStepIsAUsageError()
    {
        using var scope = DisposeScope.Open();
        using var scaler = new GradScaler();
        Assert.Throws<InvalidOperationException>(() => scaler.Update());
        scaler.Scale(torch.Scalar(1.0));
        Assert.Throws<InvalidOperationException>(() => scaler.Update());
        scaler.Update(newScale: 4.0);
        Assert.Equal(4.0, scaler.GetScale());
    }

    [Fact]
    public void Fp16GradientsAreRejected()
    {
        using var scope = DisposeScope.Open();
        using var scaler = new GradScaler();
        scaler.Scale(torch.Scalar(1.0));
        var p = torch.Zeros([2], DType.Float16, requiresGrad: true);
        p.Grad = torch.Ones([2], DType.Float16);
        Assert.Throws<InvalidOperationException>(() => scaler.Unscale_([p]));
    }

    [Fact]
    public void StateDictUsesPyTorchKeysAndRoundTrips()
    {
        using var scope = DisposeScope.Open();
        using var a = new GradScaler(initScale: 32, growthFactor: 4, backoffFactor: 0.125, growthInterval: 7);
        a.Scale(torch.Scalar(1.0));
        var p = ParamWithGrad([1f]);
        a.Step([p], () => { });
        a.Update();
        var state = a.StateDict();
        Assert.Equal(new object[] { "scale", "growth_factor", "backoff_factor", "growth_interval", "_growth_tracker" }, state.Keys.ToArray());
        Assert.Equal(32.0, state["scale"]);
        Assert.Equal(7L, state["growth_interval"]);
        Assert.Equal(1L, state["_growth_tracker"]);

        using var b = new GradScaler();
        // A checkpoint reader may hand back ints and a tensor-valued scale.
        b.LoadStateDict(new System.Collections.Hashtable
        {
            ["scale"] = torch.Scalar(32.0), ["growth_factor"] = 4.0, ["backoff_factor"] = 0.125,
            ["growth_interval"] = 7, ["_growth_tracker"] = 1,
        });
        Assert.Equal(state, b.StateDict());
        Assert.Throws<ArgumentException>(() => b.LoadStateDict(new System.Collections.Hashtable()));
    }

    // --- precision resolution ------------------------------------------------------------------------------

    private const string Zen5 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R45\n" +
                                "flags\t\t: fpu sse2 avx2 avx512f avx512bw avx512_bf16 avx512_vnni\n\nprocessor\t: 1\nflags\t\t: fpu\n";
    private const string SapphireRapidsNoAvxBf16 = "model name\t: Intel Xeon\nflags\t\t: avx2 avx512f amx_tile amx_bf16\n";
    private const string Skylake = "model name\t: Intel Xeon Gold 6148\nflags\t\t: avx2 avx512f avx512bw avx512_vnni\n";

    [Fact]
    public void CpuFlagsAreParsedFromTheFirstProcessor()
    {
        var cpu = CpuFeatures.Parse(Zen5);
        Assert.Equal("AMD EPYC 9R45", cpu.ModelName);
        Assert.True(cpu.HasAvx512Bf16);
        Assert.False(cpu.HasAmxBf16);
        Assert.True(CpuFeatures.Parse(SapphireRapidsNoAvxBf16).HasNativeBf16);
        Assert.False(CpuFeatures.Parse(Skylake).HasNativeBf16);
        Assert.False(CpuFeatures.Parse("").HasNativeBf16);
    }

    [Theory]
    [InlineData(Zen5, 2, Precision.Bf16, MemoryFormat.ChannelsLast)]
    [InlineData(Zen5, 3, Precision.Bf16, MemoryFormat.ChannelsLast3d)]
    [InlineData(Zen5, 0, Precision.Bf16, MemoryFormat.Contiguous)]
    [InlineData(SapphireRapidsNoAvxBf16, 2, Precision.Bf16, MemoryFormat.ChannelsLast)]
    [InlineData(Skylake, 2, Precision.Fp32, MemoryFormat.ChannelsLast)]
    [InlineData(Skylake, 3, Precision.Fp32, MemoryFormat.Contiguous)]
    public void AutoOnCpuPicksBf16OnlyWithNativeSupport(string cpuinfo, int spatialDims, Precision expected, MemoryFormat layout)
    {
        var plan = PrecisionPlan.Resolve(Precision.Auto, Device.CPU, spatialDims, CpuFeatures.Parse(cpuinfo), environmentOverride: "");
        Assert.Equal(expected, plan.Precision);
        Assert.Equal(expected == Precision.Bf16 ? DType.BFloat16 : null, plan.AutocastDType);
        Assert.Equal(layout, plan.MemoryFormat);
        Assert.False(plan.NeedsGradScaler);
        Assert.False(string.IsNullOrEmpty(plan.Reason));
    }

    [Fact]
    public void ExplicitRequestsAndCudaResolveAsDocumented()
    {
        var skylake = CpuFeatures.Parse(Skylake);
        var zen5 = CpuFeatures.Parse(Zen5);
        var fp32 = PrecisionPlan.Resolve(Precision.Fp32, Device.CPU, 2, zen5, "");
        Assert.Null(fp32.AutocastDType);
        Assert.Equal(MemoryFormat.ChannelsLast, fp32.MemoryFormat);
        var bf16 = PrecisionPlan.Resolve(Precision.Bf16, Device.CPU, 2, skylake, "");
        Assert.Equal(DType.BFloat16, bf16.AutocastDType);
        Assert.Contains("emulated", bf16.Reason);
        Assert.Throws<NotSupportedException>(() => PrecisionPlan.Resolve(Precision.Fp16, Device.CPU, 2, zen5, ""));

        var cuda = PrecisionPlan.Resolve(Precision.Auto, Device.CUDA(), 2, zen5, "");
        Assert.Equal((Precision.Fp16, (DType?)DType.Float16, MemoryFormat.Contiguous, true),
            (cuda.Precision, cuda.AutocastDType, cuda.MemoryFormat, cuda.NeedsGradScaler));
        Assert.True(cuda.CreateGradScaler().IsEnabled);
        var cudaBf16 = PrecisionPlan.Resolve(Precision.Bf16, Device.CUDA(), 2, zen5, "");
        Assert.False(cudaBf16.NeedsGradScaler);
        Assert.False(cudaBf16.CreateGradScaler().IsEnabled);
    }

    [Fact]
    public void EnvironmentOverrideAppliesToAutoOnly()
    {
        var zen5 = CpuFeatures.Parse(Zen5);
        Assert.Equal(Precision.Fp32, PrecisionPlan.Resolve(Precision.Auto, Device.CPU, 2, zen5, "FP32").Precision);
        Assert.Contains("MEDLEARN_PRECISION", PrecisionPlan.Resolve(Precision.Auto, Device.CPU, 2, zen5, "fp32").Reason);
        Assert.Equal(Precision.Bf16, PrecisionPlan.Resolve(Precision.Auto, Device.CPU, 2, CpuFeatures.Parse(Skylake), "bfloat16").Precision);
        Assert.Equal(Precision.Bf16, PrecisionPlan.Resolve(Precision.Bf16, Device.CPU, 2, zen5, "fp32").Precision);
        Assert.Throws<FormatException>(() => PrecisionPlan.Resolve(Precision.Auto, Device.CPU, 2, zen5, "int8"));
    }

    [Fact]
    public void ThisMachineResolvesToTheBf16ChannelsLastFastPath()
    {
        // On machines with avx512_bf16/amx_bf16 (the development VMs) this is the bf16 path; elsewhere fp32.
        var plan = PrecisionPlan.Resolve(Precision.Auto, Device.CPU, 2, environmentOverride: "");
        Assert.Equal(CpuFeatures.Current.HasNativeBf16 ? Precision.Bf16 : Precision.Fp32, plan.Precision);
        Assert.Equal(MemoryFormat.ChannelsLast, plan.MemoryFormat);
        using var scope = DisposeScope.Open();
        var x = plan.PrepareInput(torch.Randn(2, 3, 4, 4));
        Assert.True(x.IsContiguous(MemoryFormat.ChannelsLast));
        Assert.Equal(new long[] { 48, 1, 12, 3 }, x.Strides);
    }

    [Fact]
    public void LayerNormOfABf16InputWithFloat32AffineComputesInFloat32UnderAutocast()
    {
        // libtorch 1.13 refuses layer_norm(bf16 input, fp32 weight) ("expected scalar type BFloat16 but found Float");
        // the shim computes mixed dtypes in the wider one, so the result is LayerNorm of the upcast bf16 values.
        using var scope = DisposeScope.Open();
        torch.ManualSeed(3);
        var x = torch.Randn(2, 5, 8).To(DType.BFloat16);
        var w = (torch.Rand(8) + 0.5).RequiresGrad_();
        var b = torch.Randn(8);
        Tensor y;
        using (Autocast.Enable(Device.CPU, DType.BFloat16)) y = F.LayerNorm(x, [8], w, b);
        Assert.Equal(DType.Float32, y.DType);
        var expected = F.LayerNorm(x.Float(), [8], w, b);
        Assert.Equal(0.0, (y - expected).Abs().Max().ToDouble());
        y.Sum().Backward();
        Assert.Equal(DType.Float32, w.Grad!.DType);
        // One dtype throughout keeps libtorch's own path: all-bf16 stays bf16.
        Assert.Equal(DType.BFloat16, F.LayerNorm(x, [8], w.Detach().To(DType.BFloat16), b.To(DType.BFloat16)).DType);
    }
}
