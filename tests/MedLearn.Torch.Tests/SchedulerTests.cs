using System.Collections;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Optim.Schedulers;

namespace MedLearn.Torch.Tests;

/// <summary>LR schedulers against torch 1.13 learning-rate sequences (tools/golden/gen_optim.py).</summary>
public class SchedulerTests
{
    private static readonly Golden G = Golden.Load("optim");
    private const int Steps = 40;

    public static TheoryData<string> SchedulerNames()
    {
        var data = new TheoryData<string>();
        foreach (var n in G.RawValue("schedulers").EnumerateArray()) data.Add(n.GetString()!);
        return data;
    }

    private static double Metric(string name, int k)
    {
        var m = G.RawValue("metrics")[k].GetDouble();
        return name == "plateau" ? m : -m;
    }

    /// <summary>The configurations of gen_optim.py's sched(); returns the scheduler and its step action.</summary>
    private static (IStateful Scheduler, Action<int> Step) Make(string name, Optimizer opt)
    {
        LRScheduler? s = name switch
        {
            "step" => new StepLR(opt, stepSize: 7, gamma: 0.5),
            "multistep" => new MultiStepLR(opt, [5, 12, 12, 30], gamma: 0.3),
            "exponential" => new ExponentialLR(opt, gamma: 0.93),
            "cosine" => new CosineAnnealingLR(opt, tMax: 10, etaMin: 0.001),
            "polynomial" => new PolynomialLR(opt, totalIters: 25, power: 2.0),
            "linear" => new LinearLR(opt, startFactor: 0.1, endFactor: 1.0, totalIters: 8),
            "lambda" => new LambdaLR(opt, e => 1.0 / (1.0 + 0.1 * e)),
            "sequential" => new SequentialLR(opt, [new LinearLR(opt, startFactor: 0.01, totalIters: 5), new CosineAnnealingLR(opt, tMax: 20)], [5]),
            "sequential3" => new SequentialLR(opt, [new LinearLR(opt, startFactor: 0.2, totalIters: 4), new StepLR(opt, stepSize: 3, gamma: 0.5),
                                                    new ExponentialLR(opt, gamma: 0.9)], [4, 15]),
            _ => null,
        };
        if (s is not null) return (s, _ => s.Step());
        ReduceLROnPlateau p = name switch
        {
            "plateau" => new ReduceLROnPlateau(opt, PlateauMode.Min, factor: 0.5, patience: 2, threshold: 0.01, ThresholdMode.Rel, cooldown: 1, minLrs: [0.01, 0.002]),
            "plateau_max_abs" => new ReduceLROnPlateau(opt, PlateauMode.Max, factor: 0.3, patience: 1, threshold: 0.05, thresholdMode: ThresholdMode.Abs),
            _ => throw new ArgumentException(name),
        };
        return (p, k => p.Step(Metric(name, k)));
    }

    /// <summary>gen_optim.py's optimiser: two groups (lr 0.1 and 0.05), SGD with momentum; stepped without gradients.</summary>
    private static SGD MakeOptimizer(Tensor a, Tensor c) =>
        new([new SgdParamGroup([a]), new SgdParamGroup([c]) { Lr = 0.05 }], lr: 0.1, momentum: 0.9);

    private static double[] Expected(string name, int k) => [.. G.RawValue($"sched.{name}")[k].EnumerateArray().Select(e => e.GetDouble())];

    private static double[] Lrs(Optimizer opt) => [.. opt.ParamGroups.Select(g => g.Lr)];

    [Theory]
    [MemberData(nameof(SchedulerNames))]
    public void LearningRateSequenceMatchesPyTorch(string name)
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            var (a, c) = (torch.Zeros(1).RequiresGrad_(), torch.Zeros(1).RequiresGrad_());
            using var opt = MakeOptimizer(a, c);
            var (sched, step) = Make(name, opt);
            TensorAssert.Close(Expected(name, 0), Lrs(opt), atol: 0, rtol: 1e-12, what: $"{name} lr at construction");
            for (var k = 0; k < Steps; k++)
            {
                opt.Step();
                step(k);
                TensorAssert.Close(Expected(name, k + 1), Lrs(opt), atol: 0, rtol: 1e-12, what: $"{name} lr after step {k + 1}");
            }
            var lastLr = sched switch { LRScheduler s => s.GetLastLr(), ReduceLROnPlateau p => p.GetLastLr(), _ => throw new InvalidOperationException() };
            Assert.Equal(Lrs(opt), lastLr);
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Theory]
    [MemberData(nameof(SchedulerNames))]
    public void StateDictHasPyTorchKeysAndRoundTripContinuesTheSequence(string name)
    {
        using var scope = DisposeScope.Open();
        var (a, c) = (torch.Zeros(1).RequiresGrad_(), torch.Zeros(1).RequiresGrad_());
        using var opt = MakeOptimizer(a, c);
        var (sched, step) = Make(name, opt);
        const int half = 17;
        for (var k = 0; k < half; k++)
        {
            opt.Step();
            step(k);
        }
        var schedState = sched.StateDict();
        Assert.Equal(G.RawValue($"sched.{name}.keys").EnumerateArray().Select(e => e.GetString()!).ToArray(), schedState.Keys.Cast<string>().ToArray());
        var optState = opt.StateDict();
        // Epoch schedulers record initial_lr in the groups (PyTorch's setdefault); ReduceLROnPlateau does not.
        Assert.Equal(sched is LRScheduler, ((IList)optState["param_groups"]!).Cast<IDictionary<object, object?>>().All(g => g.ContainsKey("initial_lr")));

        // Resume: a fresh optimiser and scheduler (constructing it changes the lrs), then both states loaded.
        using var opt2 = MakeOptimizer(a, c);
        var (sched2, step2) = Make(name, opt2);
        opt2.LoadStateDict(optState);
        sched2.LoadStateDict(schedState);
        for (var k = half; k < Steps; k++)
        {
            opt2.Step();
            step2(k);
            TensorAssert.Close(Expected(name, k + 1), Lrs(opt2), atol: 0, rtol: 1e-12, what: $"{name} lr after step {k + 1} (resumed)");
        }
    }

    [Fact]
    public void InvalidArgumentsGiveArgumentExceptions()
    {
        using var scope = DisposeScope.Open();
        var (a, c) = (torch.Zeros(1).RequiresGrad_(), torch.Zeros(1).RequiresGrad_());
        using var opt = MakeOptimizer(a, c);
        using var other = new SGD([torch.Zeros(1).RequiresGrad_()], lr: 0.1);
        Assert.Contains("between 0 and 1", Assert.ThrowsAny<ArgumentException>(() => new LinearLR(opt, startFactor: 1.5)).Message);
        Assert.Contains("Factor should be < 1.0", Assert.ThrowsAny<ArgumentException>(() => new ReduceLROnPlateau(opt, factor: 1.0)).Message);
        Assert.Contains("min_lrs", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, PlateauMode.Min, 0.1, 10, 1e-4, ThresholdMode.Rel, 0, [0.1])).Message);
        Assert.Contains("Expected 2 lr_lambdas", Assert.Throws<ArgumentException>(() => new LambdaLR(opt, [e => 1.0])).Message);
        Assert.Contains("initial_lr", Assert.Throws<ArgumentException>(() => new StepLR(other, stepSize: 3, lastEpoch: 5)).Message);
        Assert.ThrowsAny<ArgumentException>(() => new StepLR(opt, stepSize: 0));
        var warm = new LinearLR(opt, totalIters: 3);
        var cos = new CosineAnnealingLR(opt, tMax: 5);
        Assert.Contains("milestone", Assert.Throws<ArgumentException>(() => new SequentialLR(opt, [warm, cos], [3, 6])).Message);
        Assert.Contains("same optimizer", Assert.Throws<ArgumentException>(() => new SequentialLR(other, [warm, cos], [3])).Message);

        var state = warm.StateDict();
        state["base_lrs"] = new List<object?> { 0.1 };
        Assert.Contains("base_lrs", Assert.Throws<ArgumentException>(() => warm.LoadStateDict(state)).Message);
        Assert.Equal(2, warm.BaseLrs.Count);
        state = warm.StateDict();
        state["start_factor"] = 2.0;
        Assert.ThrowsAny<ArgumentException>(() => warm.LoadStateDict(state));
        Assert.Equal(1.0 / 3, warm.StartFactor);
    }

    [Fact]
    public void LoadStateDictAcceptsLooseTypes()
    {
        using var scope = DisposeScope.Open();
        var (a, c) = (torch.Zeros(1).RequiresGrad_(), torch.Zeros(1).RequiresGrad_());
        using var opt = MakeOptimizer(a, c);
        var s = new MultiStepLR(opt, [2, 4]);
        s.LoadStateDict(new Hashtable
        {
            ["milestones"] = new Hashtable { [3] = 1, [6] = 2 },
            ["gamma"] = 1, // an integer where a real is expected
            ["base_lrs"] = new ArrayList { 1, 0.5 },
            ["last_epoch"] = 3,
            ["_step_count"] = 4,
            ["_last_lr"] = new object[] { 1.0, 0.5 },
        });
        Assert.Equal([3, 6, 6], s.Milestones);
        Assert.Equal(1.0, s.Gamma);
        Assert.Equal(3, s.LastEpoch);
        Assert.Equal([1.0, 0.5], s.BaseLrs);
    }
}
