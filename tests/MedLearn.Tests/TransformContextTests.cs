using MedLearn.Data.Transforms;
using MedLearn.Torch;

namespace MedLearn.Tests;

public class TransformContextTests
{
    [Fact]
    public void SameFourNumbersGiveTheSameStreams()
    {
        using var scope = DisposeScope.Open();
        using var a = TransformContext.For(7, 2, 13, 1);
        using var b = TransformContext.For(7, 2, 13, 1);
        Assert.Equal(a.Random.NextDouble(), b.Random.NextDouble());
        Assert.Equal(torch.Rand([5], a.Generator).ToArray<float>(), torch.Rand([5], b.Generator).ToArray<float>());
    }

    [Theory]
    [InlineData(8, 2, 13, 1)]
    [InlineData(7, 3, 13, 1)]
    [InlineData(7, 2, 14, 1)]
    [InlineData(7, 2, 13, 0)]
    public void ChangingAnyNumberChangesTheStream(ulong seed, int epoch, long index, int view)
    {
        Assert.NotEqual(TransformContext.Derive(7, 2, 13, 1), TransformContext.Derive(seed, (ulong)epoch, (ulong)index, (ulong)view));
    }
}
