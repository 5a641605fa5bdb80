using MedLearn.Data.Loading;

namespace MedLearn.Tests.Loading;

public class SamplerTests
{
    [Fact]
    public void SequentialAndBatchSamplerWithAndWithoutDropLast()
    {
        var keep = new BatchSampler(new SequentialSampler(7), 3, dropLast: false);
        Assert.Equal([[0, 1, 2], [3, 4, 5], [6]], keep.Batches(0).ToArray());
        Assert.Equal(3, keep.BatchesPerEpoch);
        var drop = new BatchSampler(new SequentialSampler(7), 3, dropLast: true);
        Assert.Equal(2, drop.Batches(5).Count());
        Assert.Equal(2, drop.BatchesPerEpoch);
    }

    [Fact]
    public void RandomSamplerIsAPermutationPerEpochFromSeedAndEpoch()
    {
        var s = new RandomSampler(50, seed: 9);
        var e0 = s.Indices(0).ToArray();
        var e1 = s.Indices(1).ToArray();
        Assert.Equal(Enumerable.Range(0, 50), e0.Order());
        Assert.Equal(Enumerable.Range(0, 50), e1.Order());
        Assert.NotEqual(e0, e1);
        Assert.Equal(e1, new RandomSampler(50, seed: 9).Indices(1)); // no hidden state: epoch 1 without epoch 0
        Assert.NotEqual(e0, new RandomSampler(50, seed: 10).Indices(0));
    }

    [Fact]
    public void TwoStreamBatchesHaveFixedCompositionAndEachLabeledIndexOncePerEpoch()
    {
        int[] labeled = [.. Enumerable.Range(0, 7)];          // 7 labeled, batch 2 -> 3 batches (index left out each epoch)
        int[] unlabeled = [.. Enumerable.Range(100, 5)];      // 5 unlabeled, batch 3 -> cycles
        var s = new TwoStreamBatchSampler(labeled, unlabeled, 2, 3, seed: 5);
        Assert.Equal(3, s.BatchesPerEpoch);
        Assert.True(s.DropIncomplete);
        Assert.Equal([2, 3], s.StreamSizes);
        var stream = new List<int>();
        for (var epoch = 0; epoch < 4; epoch++)
        {
            var batches = s.Batches(epoch).ToArray();
            Assert.Equal(3, batches.Length);
            Assert.All(batches, b =>
            {
                Assert.Equal(5, b.Length);
                Assert.All(b[..2], i => Assert.Contains(i, labeled));
                Assert.All(b[2..], i => Assert.Contains(i, unlabeled));
            });
            var used = batches.SelectMany(b => b[..2]).ToList();
            Assert.Equal(6, used.Distinct().Count()); // each labeled index at most once, 6 of 7 used
            stream.AddRange(batches.SelectMany(b => b[2..]));
        }
        // The unlabeled stream (36 draws over 4 epochs) is a sequence of full permutations of the 5 indices.
        for (var c = 0; c + 5 <= stream.Count; c += 5)
            Assert.Equal(unlabeled, stream.Skip(c).Take(5).Order());
        Assert.NotEqual(stream.Take(5), stream.Skip(5).Take(5)); // each pass has its own permutation
        Assert.Equal(s.Batches(2), new TwoStreamBatchSampler(labeled, unlabeled, 2, 3, seed: 5).Batches(2));
    }

    [Fact]
    public void TwoStreamEveryLabeledIndexExactlyOnceWhenDivisible()
    {
        var s = new TwoStreamBatchSampler([.. Enumerable.Range(0, 12)], [.. Enumerable.Range(12, 30)], 4, 12, seed: 1);
        var labeled = s.Batches(0).SelectMany(b => b[..4]).Order();
        Assert.Equal(Enumerable.Range(0, 12), labeled);
    }

    [Fact]
    public void TwoStreamErrors()
    {
        var e = Assert.Throws<ArgumentException>(() => new TwoStreamBatchSampler([1, 2], [3, 4], 3, 1, 0));
        Assert.Contains("fewer than the labeled batch size 3", e.Message);
        Assert.Contains("unlabeled set is empty", Assert.Throws<ArgumentException>(() => new TwoStreamBatchSampler([1, 2], [], 1, 1, 0)).Message);
        Assert.Throws<ArgumentException>(() => new TwoStreamBatchSampler([1, 2], [3], 1, 0, 0));
    }
}
