using MedLearn.Methods.SemiSupervised;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>sigmoid_rampup against the SRC-MT reference (ramps.py via gen_semi.py) and the weight schedule λ(e).</summary>
public sealed class SigmoidRampUpTests
{
    [Fact]
    public void ValuesMatchTheReference()
    {
        var g = Golden.Load("semi");
        var ts = g.RawValue("rampup_t").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var expected = g.RawValue("rampup_30").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < ts.Length; i++) Assert.Equal(expected[i], SigmoidRampUp.Value(ts[i], 30), 14);
        Assert.Equal(g.Value("rampup_0"), SigmoidRampUp.Value(7, 0));
        Assert.Equal(Math.Exp(-1.25), SigmoidRampUp.Value(15, 30), 15); // analytic midpoint
        Assert.Throws<ArgumentOutOfRangeException>(() => SigmoidRampUp.Value(1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SigmoidRampUp.Value(double.NaN, 30));
    }

    [Fact]
    public void ConsistencyWeightFollowsTheScheduleAndTheStartEpoch()
    {
        var s = new MeanTeacherSettings { ConsistencyWeight = 2.0, RampUpEpochs = 10, ConsistencyStartEpoch = 3 };
        Assert.Equal(0.0, s.ConsistencyWeightAt(0));
        Assert.Equal(0.0, s.ConsistencyWeightAt(2));
        Assert.Equal(2.0 * Math.Exp(-5 * 0.7 * 0.7), s.ConsistencyWeightAt(3), 14); // not shifted: sigmoid_rampup(3, 10)
        Assert.Equal(2.0, s.ConsistencyWeightAt(10), 14);
        Assert.Equal(0.0, (s with { Method = SemiSupervisedMethod.Supervised }).ConsistencyWeightAt(20));
        var defaults = new MeanTeacherSettings();
        Assert.Equal(Math.Exp(-5.0), defaults.ConsistencyWeightAt(0), 15); // w = 1, L = 30, from epoch 0
        Assert.Equal(1.0, defaults.ConsistencyWeightAt(30));
    }
}
