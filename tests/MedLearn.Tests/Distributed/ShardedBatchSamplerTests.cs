using MedLearn.Data.Loading;

namespace MedLearn.Tests.Distributed;

/// <summary>The distributed sampler: every rank's shards of an epoch are disjoint and together are the global epoch.</summary>
public sealed class ShardedBatchSamplerTests
{
    [Theory]
    [InlineData(21, 8, 2)]   // last global batch 5 → 2 + 3
    [InlineData(40, 12, 4)]  // last global batch 4 → 1 each
    [InlineData(23, 6, 3)]   // last global batch 5 → 1 + 2 + 2
    [InlineData(10, 4, 4)]   // last global batch 2 < 4 ranks → dropped on every rank
    public void ShardsAreDisjointCoverTheEpochAndRecomposeTheGlobalBatches(int count, int batch, int world)
    {
        var global = new BatchSampler(new RandomSampler(count, seed: 9), batch, dropLast: false);
        for (var epoch = 0; epoch < 3; epoch++)
        {
            var globalBatches = global.Batches(epoch).ToArray();
            var shards = Enumerable.Range(0, world).Select(r => new ShardedBatchSampler(global, r, world).Batches(epoch).ToArray()).ToArray();
            var all = shards.SelectMany(s => s.SelectMany(b => b)).ToArray();
            Assert.Equal(all.Length, all.Distinct().Count()); // disjoint
            var lastDropped = globalBatches[^1].Length < world;
            var expected = (lastDropped ? globalBatches[..^1] : globalBatches).SelectMany(b => b).Order();
            Assert.Equal(expected, all.Order()); // covering
            // Every rank runs the same number of steps, and step k's shards are global batch k.
            Assert.All(shards, s => Assert.Equal(shards[0].Length, s.Length));
            for (var k = 0; k < shards[0].Length; k++)
                Assert.Equal(globalBatches[k], shards.SelectMany(s => s[k]).ToArray());
        }
        // A different epoch is a different permutation (seeded per epoch).
        Assert.NotEqual(new ShardedBatchSampler(global, 0, world).Batches(0).First(), new ShardedBatchSampler(global, 0, world).Batches(1).First());
    }

    [Fact]
    public void TwoStreamBatchesAreShardedStreamByStream()
    {
        var labeled = Enumerable.Range(0, 12).ToArray();
        var unlabeled = Enumerable.Range(100, 30).ToArray();
        var global = new TwoStreamBatchSampler(labeled, unlabeled, primaryBatchSize: 4, secondaryBatchSize: 8, seed: 3);
        var r0 = new ShardedBatchSampler(global, 0, 2);
        var r1 = new ShardedBatchSampler(global, 1, 2);
        Assert.Equal([2, 4], r0.StreamSizes);
        var g = global.Batches(1).ToArray();
        var a = r0.Batches(1).ToArray();
        var b = r1.Batches(1).ToArray();
        Assert.Equal(g.Length, a.Length);
        for (var k = 0; k < g.Length; k++)
        {
            // Each shard: its labeled slice first, then its unlabeled slice (the loader's stream layout).
            Assert.Equal(g[k][0..2].Concat(g[k][4..8]), a[k]);
            Assert.Equal(g[k][2..4].Concat(g[k][8..12]), b[k]);
            Assert.All(a[k][..2].Concat(b[k][..2]), i => Assert.True(i < 100));
        }
        Assert.Empty(a.SelectMany(x => x[..2]).Intersect(b.SelectMany(x => x[..2])));
    }

    [Fact]
    public void AGlobalBatchThatDoesNotSplitEvenlyIsRejectedWithTheSizes()
    {
        var global = new BatchSampler(new SequentialSampler(10), 5, dropLast: false);
        var e = Assert.Throws<ArgumentException>(() => new ShardedBatchSampler(global, 0, 2));
        Assert.Contains("global batch size 5 cannot be split over 2 processes", e.Message);
    }
}
