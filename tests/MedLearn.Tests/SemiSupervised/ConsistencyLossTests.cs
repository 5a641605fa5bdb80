using MedLearn.Methods.SemiSupervised;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>
/// L_pred and L_rel against the SRC-MT reference formulas in PyTorch (tools/golden/gen_semi.py): values and the
/// gradient with respect to the student's input; and the gradient path on real networks: non-zero into the student,
/// none into the teacher even when the teacher's outputs were computed with autograd on.
/// </summary>
public sealed class ConsistencyLossTests
{
    private static Golden G => Golden.Load("semi");

    [Fact]
    public void PredictionConsistencyMatchesTheReference()
    {
        var baseline = LeakCheck.Baseline();
        using (DisposeScope.Open())
        {
            var zs = G.Tensor("pred_student").RequiresGrad_();
            var loss = PredictionConsistencyLoss.Compute(zs, G.Tensor("pred_teacher"));
            Assert.Equal(G.Value("pred_loss"), loss.ToDouble(), 6);
            loss.Backward();
            TensorAssert.Close(G.Tensor("pred_grad"), zs.Grad!, 1e-6, 1e-5);

            var zw = G.Tensor("pred_student").RequiresGrad_();
            var weights = G.Data("pred_weights");
            var weighted = PredictionConsistencyLoss.Compute(zw, G.Tensor("pred_teacher"), weights);
            Assert.Equal(G.Value("pred_weighted_loss"), weighted.ToDouble(), 6);
            weighted.Backward();
            TensorAssert.Close(G.Tensor("pred_weighted_grad"), zw.Grad!, 1e-6, 1e-5);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void PredictionConsistencyEdgeCases()
    {
        using var scope = DisposeScope.Open();
        var z = torch.Randn([3, 4]);
        Assert.Equal(0.0, PredictionConsistencyLoss.Compute(z, z).ToDouble());               // identical predictions
        Assert.Equal(0.0, PredictionConsistencyLoss.Compute(z, z + 5.0).ToDouble(), 6);      // softmax is shift-invariant
        // Two classes, one sample: student (1, 0) vs teacher (0, 1) in probability → (1 + 1) / 1 = 2.
        var far = PredictionConsistencyLoss.Compute(torch.FromArray(new float[] { 100, -100 }, 1, 2), torch.FromArray(new float[] { -100, 100 }, 1, 2));
        Assert.Equal(2.0, far.ToDouble(), 6);
        Assert.Equal(0.0, PredictionConsistencyLoss.Compute(torch.Zeros(0, 4), torch.Zeros(0, 4)).ToDouble());
        Assert.Throws<ArgumentException>(() => PredictionConsistencyLoss.Compute(z, torch.Randn([3, 5])));
        Assert.Throws<ArgumentException>(() => PredictionConsistencyLoss.Compute(z, z, [1, 1, 1]));
        Assert.Throws<ArgumentException>(() => PredictionConsistencyLoss.Compute(z, z, [1, -1, 1, 1]));
    }

    [Fact]
    public void RelationConsistencyMatchesTheReference()
    {
        var baseline = LeakCheck.Baseline();
        using (DisposeScope.Open())
        {
            var fs = G.Tensor("rel_student").RequiresGrad_();
            var loss = RelationConsistencyLoss.Compute(fs, G.Tensor("rel_teacher"));
            Assert.Equal(G.Value("rel_loss"), loss.ToDouble(), 6);
            loss.Backward();
            TensorAssert.Close(G.Tensor("rel_grad"), fs.Grad!, 1e-6, 1e-4);

            // An all-zero feature row: F.normalize's rule keeps its relation row at 0 instead of NaN.
            var zero = RelationConsistencyLoss.Compute(G.Tensor("rel_zero_student"), G.Tensor("rel_zero_teacher"));
            Assert.Equal(G.Value("rel_zero_loss"), zero.ToDouble(), 6);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void RelationMatrixRowsHaveUnitNorm()
    {
        using var scope = DisposeScope.Open();
        var r = RelationConsistencyLoss.RelationMatrix(torch.Rand([6, 3, 2])); // flattened to [6, 6]
        Assert.Equal([6L, 6L], r.Shape);
        foreach (var n in r.Norm(2, 1).ToArray<float>()) Assert.Equal(1.0, n, 5);
        // Scaling the features does not change the relations (each row of G scales by the same factor).
        var f = torch.Rand([4, 5]);
        Assert.Equal(0.0, RelationConsistencyLoss.Compute(f, f * 3.0).ToDouble(), 6);
    }

    /// <summary>
    /// The bug this guards against: a consistency loss whose student side is detached (no training signal) or whose
    /// teacher side is not (the teacher would be trained by backprop instead of the EMA).
    /// </summary>
    [Fact]
    public void BothConsistencyLossesTrainTheStudentAndNeverTheTeacher()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(1);
            using var student = SemiSupervisedClassifier.Create("small-cnn", 3);
            using var teacher = SemiSupervisedClassifier.Create("small-cnn", 3); // different weights, and trainable on purpose
            var x = torch.Randn([6, 3, 16, 16]);
            foreach (var which in new[] { "pred", "rel" })
            {
                student.ZeroGrad();
                teacher.ZeroGrad();
                var (fs, zs) = student.ForwardFeaturesAndLogits(x);
                var (ft, zt) = teacher.ForwardFeaturesAndLogits(x + 0.1); // autograd on: only the losses' detach protects the teacher
                var loss = which == "pred" ? PredictionConsistencyLoss.Compute(zs, zt) : RelationConsistencyLoss.Compute(fs, ft);
                Assert.True(loss.ToDouble() > 0, $"{which}: the two networks disagree, so the loss is positive");
                loss.Backward();
                var studentGrads = student.NamedParameters().Where(p => p.Name.StartsWith("features.", StringComparison.Ordinal))
                    .Select(p => p.Parameter.Grad is { } g ? g.Abs().Sum().ToDouble() : 0).ToArray();
                Assert.True(studentGrads.All(g => g > 0), $"{which}: every student convolution/BN parameter gets a gradient");
                if (which == "pred") Assert.True(student.GetSubmodule("fc").Parameters().All(p => p.Grad is not null && p.Grad.Abs().Sum().ToDouble() > 0));
                Assert.All(teacher.Parameters(), p => Assert.True(p.Grad is null || p.Grad.Abs().Sum().ToDouble() == 0, $"{which}: a teacher parameter got a gradient"));
            }
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }
}
