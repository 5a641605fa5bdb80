using MedLearn.Methods.SemiSupervised;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>
/// The EMA teacher update against its formula, step by step from t = 0 (warm-up a = min(1 − 1/(t+1), decay)),
/// computed here in double precision from the tensors' values before each update; and the three buffer policies.
/// </summary>
public sealed class EmaTeacherTests
{
    private sealed class Tiny : Module<Tensor, Tensor>
    {
        private readonly Linear _fc;
        private readonly BatchNorm1d _bn;

        public Tiny()
        {
            _fc = RegisterModule("fc", new Linear(3, 2));
            _bn = RegisterModule("bn", new BatchNorm1d(2));
        }

        public override Tensor Forward(Tensor input) => _bn.Forward(_fc.Forward(input));
    }

    private static double[] Values(Module m, bool buffers = false) =>
        [.. (buffers ? m.NamedBuffers() : m.NamedParameters()).SelectMany(p => { using var d = p.Item2.To(DType.Float64); return d.ToArray<double>(); })];

    // float32 storage: 1e-6 relative.
    private static void Close(double expected, double actual) => Assert.Equal(expected, actual, 1e-6 * Math.Max(1, Math.Abs(expected)));

    [Theory]
    [InlineData(0.99, new[] { 0.0, 0.5, 2.0 / 3.0, 0.75, 0.8 })]
    [InlineData(0.6, new[] { 0.0, 0.5, 0.6, 0.6, 0.6 })]
    public void UpdateEqualsTheFormulaStepByStep(double decay, double[] alphas)
    {
        var baseline = LeakCheck.Baseline();
        torch.ManualSeed(3);
        using (var teacher = new Tiny())
        using (var student = new Tiny())
        {
            for (var t = 0; t < alphas.Length; t++)
            {
                // The student moves between updates (as after an optimiser step).
                using (DisposeScope.Open())
                using (GradMode.NoGrad())
                    foreach (var p in student.Parameters()) p.Add_(torch.RandnLike(p));
                var before = Values(teacher);
                var s = Values(student);
                var a = EmaTeacher.Update(teacher, student, t, decay);
                Assert.Equal(alphas[t], a, 15);
                Assert.Equal(alphas[t], EmaTeacher.Alpha(t, decay), 15);
                var after = Values(teacher);
                for (var i = 0; i < after.Length; i++)
                    Close(a * before[i] + (1 - a) * s[i], after[i]);
                if (t == 0) Assert.Equal(s, after); // warm-up: the first update copies the student exactly
            }
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
        Assert.Equal(0.99, EmaTeacher.Alpha(10_000), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => EmaTeacher.Alpha(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmaTeacher.Alpha(0, 1.5));
    }

    [Fact]
    public void BufferPolicies()
    {
        torch.ManualSeed(4);
        using var scope = DisposeScope.Open();
        using var student = new Tiny();
        student.Forward(torch.Randn([8, 3]) * 3 + 1); // training-mode forward: the student's running stats move, num_batches_tracked = 1
        double[] Buffers(Module m) => Values(m, buffers: true);
        var studentBuffers = Buffers(student);

        using (var teacher = new Tiny())
        {
            var before = Buffers(teacher);
            EmaTeacher.Update(teacher, student, 5, 0.99, BatchNormBufferPolicy.NotAveraged);
            Assert.Equal(before, Buffers(teacher));
        }
        using (var teacher = new Tiny())
        {
            EmaTeacher.Update(teacher, student, 5, 0.99, BatchNormBufferPolicy.Copied);
            Assert.Equal(studentBuffers, Buffers(teacher));
        }
        using (var teacher = new Tiny())
        {
            var before = Buffers(teacher); // running_mean 0 0, running_var 1 1, num_batches_tracked 0
            var a = EmaTeacher.Update(teacher, student, 5, 0.99, BatchNormBufferPolicy.Averaged);
            var after = Buffers(teacher);
            for (var i = 0; i < 4; i++) Close(a * before[i] + (1 - a) * studentBuffers[i], after[i]);
            Assert.Equal(studentBuffers[4], after[4]); // the integer counter is copied
        }
    }

    [Fact]
    public void DifferentArchitecturesAreRejected()
    {
        using var a = SemiSupervisedClassifier.Create("small-cnn", 3);
        using var b = SemiSupervisedClassifier.Create("small-cnn", 4);
        var e = Assert.Throws<ArgumentException>(() => EmaTeacher.Update(a, b, 0));
        Assert.Contains("fc.weight", e.Message);
    }
}
