using MedLearn.Data.Loading;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;
using MedLearn.Training;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>
/// One training step of the task against the method's formula recomputed from the same forward passes:
/// loss = CE(labeled) + λ(e) · L_pred + λ(e) · β · L_rel, for both consistency scopes; the gradient reaches the
/// student only; the supervised arm is CE alone; the EMA update follows each step.
/// </summary>
public sealed class MeanTeacherTaskTests
{
    private static Batch TwoViewBatch()
    {
        var x0 = torch.Randn([4, 3, 16, 16]);
        var x1 = torch.Randn([4, 3, 16, 16]);
        var labels = torch.FromArray(new long[] { 2, 0, -1, -1 }, 4);
        foreach (var t in new[] { x0, x1, labels }) t.DetachFromDisposeScope();
        return new Batch([x0, x1], [null, null], labels, [0, 1, 2, 3], ["a", "b", "c", "d"], [2, 2], 0, 0);
    }

    private static (SemiSupervisedClassifier Student, SemiSupervisedClassifier Teacher) Pair()
    {
        torch.ManualSeed(5);
        var student = SemiSupervisedClassifier.Create("small-cnn", 3, dropout: 0); // no dropout: the recomputation is deterministic
        var teacher = SemiSupervisedClassifier.Create("small-cnn", 3, dropout: 0); // deliberately different weights
        teacher.Freeze("*");
        return (student, teacher);
    }

    [Theory]
    [InlineData(ConsistencyScope.WholeBatch)]
    [InlineData(ConsistencyScope.Unlabeled)]
    public void LossIsTheMethodsFormula(ConsistencyScope scope)
    {
        var baseline = LeakCheck.Baseline();
        var (student, teacher) = Pair();
        using (student)
        using (teacher)
        using (var batch = TwoViewBatch())
        using (DisposeScope.Open())
        {
            var settings = new MeanTeacherSettings { ConsistencyWeight = 3, RelationWeight = 0.5, RampUpEpochs = 10, Scope = scope };
            var task = new MeanTeacherTask(student, teacher, 3, settings);
            task.Prepare(new TrainingContext(PrecisionPlan.Resolve(Precision.Fp32, Device.CPU), 0, 10));
            var output = task.TrainStep(batch, new StepInfo(4, 0, 1, 0, 10));

            // The same forward passes by hand (training mode: batch statistics; no dropout).
            var (fs, zs) = student.ForwardFeaturesAndLogits(batch.Images[0]);
            Tensor ft, zt;
            using (GradMode.NoGrad()) (ft, zt) = teacher.ForwardFeaturesAndLogits(batch.Images[1]);
            var ce = Functional.CrossEntropy(zs, batch.Labels, ignoreIndex: -1).ToDouble();
            if (scope == ConsistencyScope.Unlabeled)
            {
                var rows = torch.FromArray(new long[] { 2, 3 }, 2);
                (fs, zs, ft, zt) = (fs.IndexSelect(0, rows), zs.IndexSelect(0, rows), ft.IndexSelect(0, rows), zt.IndexSelect(0, rows));
            }
            var lambda = 3 * Math.Exp(-5 * 0.6 * 0.6); // w · sigmoid_rampup(4, 10)
            var expected = ce + lambda * PredictionConsistencyLoss.Compute(zs, zt).ToDouble() + lambda * 0.5 * RelationConsistencyLoss.Compute(fs, ft).ToDouble();
            Assert.Equal(expected, output.Loss.ToDouble(), 5);
            Assert.Equal(lambda, output.Logs!["consistency_weight"].ToDouble(), 6);
            Assert.Equal(ce, output.Logs["ce"].ToDouble(), 5);

            student.ZeroGrad();
            output.Loss.Backward();
            Assert.All(student.Parameters(), p => Assert.NotNull(p.Grad));
            Assert.All(teacher.Parameters(), p => Assert.Null(p.Grad));
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void SupervisedArmIsCrossEntropyAloneAndTheTeacherFollowsTheStudent()
    {
        var (student, teacher) = Pair();
        using (student)
        using (teacher)
        using (var batch = TwoViewBatch())
        using (DisposeScope.Open())
        {
            var supervised = new MeanTeacherTask(student, null, 3, new MeanTeacherSettings { Method = SemiSupervisedMethod.Supervised });
            Assert.Empty(supervised.AuxiliaryModules);
            supervised.Prepare(new TrainingContext(PrecisionPlan.Resolve(Precision.Fp32, Device.CPU), 0, 1));
            var output = supervised.TrainStep(batch, new StepInfo(0, 0, 1, 0, 1));
            Assert.Equal(output.Logs!["ce"].ToDouble(), output.Loss.ToDouble());
            Assert.False(output.Logs.ContainsKey("consistency"));

            var mt = new MeanTeacherTask(student, teacher, 3, new MeanTeacherSettings { Method = SemiSupervisedMethod.MeanTeacher });
            Assert.Same(teacher, mt.AuxiliaryModules[MeanTeacherTask.TeacherName]);
            mt.AfterOptimizerStep(new StepInfo(0, 0, 1, 0, 1)); // step 0: a = 0, the teacher becomes the student
            foreach (var ((name, s), (_, t)) in student.NamedParameters().Zip(teacher.NamedParameters()))
                Assert.True(s.Equal(t), name);
            Assert.Throws<ArgumentException>(() => new MeanTeacherTask(student, null, 3, new MeanTeacherSettings()));
            var e = Assert.Throws<ArgumentException>(() => new MeanTeacherTask(student, teacher, 3, new MeanTeacherSettings { ConsistencyClassWeights = [1, 2] }));
            Assert.StartsWith("consistency-class-weights: need 3 finite values", e.Message);
        }
    }
}
