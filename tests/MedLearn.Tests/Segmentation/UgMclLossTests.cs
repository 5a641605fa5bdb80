using MedLearn.Methods.Segmentation;
using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Segmentation;

/// <summary>The mathematics of UG-MCL training (methods.md §3): schedules, uncertainty, masked and cross-task
/// consistency, Dice, and that every unsupervised term sends gradient to the student and none to the teacher.</summary>
public class UgMclLossTests
{
    private static readonly double Ln2 = Math.Log(2);

    [Fact]
    public void ThresholdRisesFromThreeQuartersToLnTwo()
    {
        Assert.Equal((0.75 + 0.25 * Math.Exp(-5)) * Ln2, UncertaintyThreshold.At(0, 6000), 12);
        Assert.Equal((0.75 + 0.25 * Math.Exp(-1.25)) * Ln2, UncertaintyThreshold.At(3000, 6000), 12);
        Assert.Equal(Ln2, UncertaintyThreshold.At(6000, 6000), 12);
        Assert.Equal(Ln2, UncertaintyThreshold.At(9000, 6000), 12);
        Assert.Equal(Math.Log(3), UncertaintyThreshold.At(10, 10, 3), 12);
    }

    [Fact]
    public void ConsistencyWeightRampsInStepsOf150Iterations()
    {
        var s = new UgMclSettings();
        Assert.Equal(Math.Exp(-5), s.ConsistencyWeightAt(0), 12);
        Assert.Equal(Math.Exp(-5), s.ConsistencyWeightAt(149), 12);
        Assert.Equal(Math.Exp(-5 * Math.Pow(1 - 1.0 / 40, 2)), s.ConsistencyWeightAt(150), 12);
        Assert.Equal(1.0, s.ConsistencyWeightAt(6000), 12);
        Assert.Equal(0.1 * Math.Exp(-5 * 0.25), (s with { ConsistencyWeight = 0.1, ConsistencyRampUp = 200 }).ConsistencyWeightAt(150 * 100), 12);
    }

    [Fact]
    public void EntropyOfMeanProbabilities()
    {
        using var scope = DisposeScope.Open();
        // Two voxels: p̄ = (0.5, 0.5) and (1, 0).
        var p = torch.FromArray(new float[] { 0.5f, 1f, 0.5f, 0f }, 1, 2, 1, 1, 2);
        var u = UncertaintyMap.Entropy(p).ToArray<float>();
        Assert.Equal(-Math.Log(0.5 + 1e-6), u[0], 6);
        Assert.Equal(-Math.Log(1 + 1e-6), u[1], 6);
    }

    [Fact]
    public void MeanProbabilityAveragesTNoisyClampedPassesInGroups()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(11);
        var input = torch.Zeros(3, 2, 2, 2, 2);
        var batchSizes = new List<long>();
        var softmaxes = new List<float[]>();
        double maxNoise = 0;
        Tensor Teacher(Tensor x)
        {
            batchSizes.Add(x.Size(0));
            maxNoise = Math.Max(maxNoise, x.Abs().Max().ToDouble());
            var logits = x * 10.0;
            var sm = logits.Softmax(1);
            for (var g = 0; g < x.Size(0) / 3; g++) softmaxes.Add(sm.Narrow(0, g * 3, 3).Contiguous().ToArray<float>());
            return logits;
        }
        var mean = UncertaintyMap.MeanProbability(Teacher, input, passes: 5, noiseStd: 0.1, noiseClip: 0.2, passesPerForward: 2);
        Assert.Equal(new long[] { 6, 6, 3 }, batchSizes);
        Assert.Equal(5, softmaxes.Count);
        Assert.InRange(maxNoise, 0.15, 0.2 + 1e-7); // N(0, 0.1²) over 240 draws exceeds 0.15 (p > 0.99) and is clamped at 0.2
        var expected = Enumerable.Range(0, softmaxes[0].Length).Select(i => softmaxes.Average(s => (double)s[i])).ToArray();
        TensorAssert.Close(expected, mean.ToArray<float>().Select(v => (double)v).ToArray(), 1e-6, 0, "mean probability");
    }

    [Fact]
    public void MaskedConsistencyOnAToyTensor()
    {
        using var scope = DisposeScope.Open();
        // [N=1, K=2, 1, 1, V=2]: class-major values.
        var ps = torch.FromArray(new float[] { 0.8f, 0.3f, 0.2f, 0.7f }, 1, 2, 1, 1, 2);
        var pt = torch.FromArray(new float[] { 0.6f, 0.3f, 0.4f, 0.7f }, 1, 2, 1, 1, 2);
        double Loss(float m0, float m1) => MaskedConsistencyLoss.Compute(ps, pt, torch.FromArray(new[] { m0, m1 }, 1, 1, 1, 1, 2)).ToDouble();
        Assert.Equal(0.08 / 2, Loss(1, 0), 6);
        Assert.Equal(0.08 / 4, Loss(1, 1), 6);
        Assert.Equal(0.0, Loss(0, 1), 6);
        Assert.Equal(0.0, Loss(0, 0), 12);
    }

    [Fact]
    public void CrossTaskTermComparesSigmoidOfMinusKSdfWithForegroundProbabilities()
    {
        using var scope = DisposeScope.Open();
        var sdf = torch.FromArray(new float[] { -0.001f, 0.002f, 0f }, 1, 1, 1, 1, 3);
        var probs = torch.FromArray(new float[] { 0.1f, 0.9f, 0.5f, 0.9f, 0.1f, 0.5f }, 1, 2, 1, 1, 3);
        static double Sig(double z) => 1 / (1 + Math.Exp(-z));
        var expected = (Math.Pow(Sig(1.5) - 0.9, 2) + Math.Pow(Sig(-3) - 0.1, 2) + 0) / 3;
        Assert.Equal(expected, CrossTaskConsistencyLoss.Compute(sdf, probs).ToDouble(), 6);
        Assert.Throws<ArgumentException>(() => CrossTaskConsistencyLoss.Compute(torch.Zeros(1, 2, 1, 1, 3), probs));
    }

    [Fact]
    public void SoftDiceOfAToyPrediction()
    {
        using var scope = DisposeScope.Open();
        var probs = torch.FromArray(new float[] { 0.2f, 0.9f, 0.8f, 0.1f }, 1, 2, 1, 1, 2);
        var labels = torch.FromArray(new long[] { 1, 0 }, 1, 1, 1, 2);
        var expected = 1 - (2 * 0.8 + 1e-5) / (0.64 + 0.01 + 1 + 1e-5);
        Assert.Equal(expected, SoftDiceLoss.Compute(probs, labels).ToDouble(), 6);
    }

    internal static (VNet Student, VNet Teacher, Tensor Images, Tensor Masks) TinySetup()
    {
        torch.ManualSeed(5);
        var student = new VNet(new VNetOptions { BaseFilters = 2, Depth = 1, Dropout = 0.5 });
        var teacher = UgMclTask.CreateTeacher(student);
        var images = torch.Randn(4, 1, 4, 4, 4);
        var voxels = new float[4 * 64];
        for (var n = 0; n < 4; n++)
        for (var z = 1; z < 3; z++)
        for (var y = 1; y < 3; y++)
        for (var x = 0; x < 3; x++)
            voxels[n * 64 + (z * 4 + y) * 4 + x] = 1;
        var masks = torch.FromArray(voxels, 4, 1, 4, 4, 4);
        return (student, teacher, images, masks);
    }

    [Theory]
    [InlineData("intra")]
    [InlineData("cross")]
    public void EachUnsupervisedTermReachesTheStudentOnly(string term)
    {
        using var scope = DisposeScope.Open();
        var (student, teacher, images, masks) = TinySetup();
        using (student)
        using (teacher)
        {
            var task = new UgMclTask(student, teacher, new UgMclSettings { UncertaintyPasses = 4 });
            var terms = task.ComputeLosses(images, masks, labeled: 2, iteration: 3000);
            var loss = term == "intra" ? terms.Intra! : terms.Cross!;
            Assert.True(loss.ToDouble() > 0);
            loss.Backward();
            var studentGrad = student.Parameters().Where(p => p.Grad is not null).Sum(p => p.Grad!.Abs().Sum().ToDouble());
            Assert.True(studentGrad > 0, $"{term}: no gradient reached the student");
            Assert.All(teacher.Parameters(), p => Assert.Null(p.Grad));
            Assert.All(teacher.Parameters(), p => Assert.False(p.RequiresGrad));
        }
    }

    [Fact]
    public void MethodsSwitchTheTermsOnAndOff()
    {
        using var scope = DisposeScope.Open();
        var (student, teacher, images, masks) = TinySetup();
        using (student)
        using (teacher)
        {
            var ug = new UgMclTask(student, teacher, new UgMclSettings { UncertaintyPasses = 2 }).ComputeLosses(images, masks, 2, 6000);
            Assert.NotNull(ug.Intra);
            Assert.NotNull(ug.Cross);
            Assert.NotNull(ug.DistanceMse);
            Assert.Equal(Ln2, ug.Threshold!.Value, 12);
            Assert.Equal(1.0, ug.Lambda, 12);
            var expected = ug.Supervised.ToDouble() + ug.Intra!.ToDouble() + ug.Cross!.ToDouble();
            Assert.Equal(expected, ug.Total.ToDouble(), 5);
            var sup = ug.CrossEntropy!.ToDouble() * 0.5 + ug.Dice!.ToDouble() * 0.5 + ug.DistanceMse!.ToDouble() * 0.3;
            Assert.Equal(sup, ug.Supervised.ToDouble(), 5);

            var mt = new UgMclTask(student, teacher, UgMclSettings.ForMethod(SegmentationMethod.MeanTeacher)).ComputeLosses(images, masks, 2, 0);
            Assert.Null(mt.Threshold);
            Assert.Equal(1.0, mt.CertainFraction!.ToDouble());
            Assert.Null(mt.Cross);
            Assert.Null(mt.DistanceMse);

            var supervised = new UgMclTask(student, null, UgMclSettings.ForMethod(SegmentationMethod.Supervised)).ComputeLosses(images, masks, 2, 0);
            Assert.Null(supervised.Intra);
            Assert.Null(supervised.Cross);
            Assert.Equal(0.0, supervised.Lambda);
            Assert.Equal(supervised.Supervised.ToDouble(), supervised.Total.ToDouble(), 12);

            var noCross = new UgMclTask(student, teacher, new UgMclSettings { UseCrossTask = false, UncertaintyPasses = 2 }).ComputeLosses(images, masks, 2, 0);
            Assert.Null(noCross.Cross);
            Assert.NotNull(noCross.Intra);
        }
    }

    [Fact]
    public void LabelValuesOutsideTheClassesAreRejected()
    {
        using var scope = DisposeScope.Open();
        var (student, teacher, images, masks) = TinySetup();
        using (student)
        using (teacher)
        {
            masks = masks + 1;
            var task = new UgMclTask(student, teacher, new UgMclSettings());
            Assert.Contains("label values must be in 0..1", Assert.Throws<ArgumentException>(() => task.ComputeLosses(images, masks, 2, 0)).Message);
        }
    }
}
