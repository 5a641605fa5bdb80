using MedLearn.Data;
using MedLearn.Data.Transforms;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Transforms;

public class ReproducibilityTransformTests
{
    private static Compose Pipeline() => new(
        new RandomFlip(0.5, -1, -2),
        new RandomRotate90(0.5),
        new RandomAffine(20, [0.1, 0.1], (0.9, 1.1), [5]),
        new RandomCrop([12, 12]),
        new ColorJitter(0.3, 0.3, 0.3, 0.1),
        new GaussianBlur((0.3, 1.0), 3),
        new GaussianNoise(0.05, probability: 1),
        new RandApply(new Rotate90(1), 0.5),
        new OneOf([new Flip(-1), new Normalize([0.5], [0.25])]));

    private static readonly float[] s_image = Enumerable.Range(0, 3 * 16 * 16).Select(i => (float)((i * 37 % 101) / 100.0)).ToArray();
    private static readonly long[] s_mask = Enumerable.Range(0, 16 * 16).Select(i => (long)(i % 16 > 4 && i / 16 > 6 ? 1 : 0)).ToArray();

    private static (float[] Image, long[] Mask) RunOnce(long index, int view)
    {
        using var scope = DisposeScope.Open();
        var s = new Sample { Image = torch.FromArray(s_image, 3, 16, 16), Mask = torch.FromArray(s_mask, 1, 16, 16), Index = index };
        using var ctx = TransformContext.For(11, 1, index, view);
        Pipeline().Apply(s, ctx);
        return (s.Image.ToArray<float>(), s.Mask!.ToArray<long>());
    }

    [Fact]
    public void SameContextSameOutputDifferentIndexOrViewDifferentOutput()
    {
        var baseline = LeakCheck.Baseline();
        var a = RunOnce(3, 0);
        var b = RunOnce(3, 0);
        Assert.Equal(a.Image, b.Image);
        Assert.Equal(a.Mask, b.Mask);
        Assert.NotEqual(a.Image, RunOnce(4, 0).Image);
        Assert.NotEqual(a.Image, RunOnce(3, 1).Image);
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void TwoThreadsInDifferentOrdersGiveIdenticalResults()
    {
        long[] indices = [0, 1, 2, 3, 4, 5];
        var r1 = new Dictionary<long, float[]>();
        var r2 = new Dictionary<long, float[]>();
        var t1 = new Thread(() => { foreach (var i in indices) r1[i] = RunOnce(i, 0).Image; });
        var t2 = new Thread(() => { foreach (var i in indices.Reverse()) r2[i] = RunOnce(i, 0).Image; });
        t1.Start(); t2.Start(); t1.Join(); t2.Join();
        foreach (var i in indices) Assert.Equal(r1[i], r2[i]);
    }

    [Fact]
    public void BatchFlipAndNormalizeEqualPerSample()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            var flip = new RandomFlip(0.5, -1, -2);
            var imgs = Enumerable.Range(0, 6).Select(_ => torch.Rand(2, 5, 7)).ToArray();
            var masks = imgs.Select(i => i.Narrow(0, 0, 1).Gt(0.5).Long()).ToArray();
            var contexts = Enumerable.Range(0, 6).Select(i => T.Ctx(i)).ToArray();
            var (batch, bm) = BatchTransforms.RandomFlip(torch.Stack(imgs), contexts, flip, torch.Stack(masks));
            var normed = BatchTransforms.Normalize(batch, [0.5, 0.4], [0.2, 0.3]);
            foreach (var c in contexts) c.Dispose();
            var any = false;
            for (var i = 0; i < 6; i++)
            {
                using var ctx = T.Ctx(i);
                var s = flip.Apply(T.S(imgs[i], masks[i]), ctx);
                any |= !s.Image.Equal(imgs[i]);
                Assert.True(s.Image.Equal(batch.Select(0, i)));
                Assert.True(s.Mask!.Equal(bm!.Select(0, i)));
                new Normalize([0.5, 0.4], [0.2, 0.3]).Apply(s, ctx);
                TensorAssert.Close(s.Image, normed.Select(0, i), 1e-6);
            }
            Assert.True(any);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }
}
