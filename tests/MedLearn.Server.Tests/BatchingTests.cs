using System.Collections.Concurrent;
using System.Net;
using MedLearn.Server.Http;
using MedLearn.Server.Inference;
using MedLearn.Torch;

namespace MedLearn.Server.Tests;

/// <summary>
/// Dynamic batching: concurrent requests share forward passes with the same answers as alone; a full queue refuses with
/// 429 and Retry-After; a request whose client went away gets no forward pass; every input tensor is freed.
/// </summary>
[Collection(ServedRunCollection.Name)]
public sealed class BatchingTests(TrainedRunFixture run)
{
    [Fact]
    public async Task ConcurrentRequestsAreBatchedWithTheAnswersTheyGetAlone()
    {
        var images = Enumerable.Range(0, 8).Select(i => File.ReadAllBytes(Path.Combine(run.Data, i % 2 == 0 ? "a" : "b", $"{(i % 2 == 0 ? "a" : "b")}{i / 2}.png"))).ToArray();
        double[][] alone;
        await using (var unbatched = await TestService.StartAsync(run.Run, o => o with { MaxBatch = 1 }))
            alone = [.. await Task.WhenAll(images.Select(async image => ApiTests.Probabilities((await ApiTests.PostAsync(unbatched.Client, "/v1/models/tiny/predict", image)).Body)))];

        // A long wait lets all eight arrive before the first forward pass (they are preprocessed in parallel first).
        await using var service = await TestService.StartAsync(run.Run, o => o with { MaxBatch = 8, MaxBatchWait = TimeSpan.FromMilliseconds(1500) });
        var answers = await Task.WhenAll(images.Select(image => ApiTests.PostAsync(service.Client, "/v1/models/tiny/predict", image)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var sizes = answers.Select(a => a.Body.GetProperty("timing").GetProperty("batchSize").GetInt32()).ToArray();
        Assert.True(sizes.Max() >= 2, $"batch sizes {string.Join(",", sizes)}");
        for (var i = 0; i < images.Length; i++)
        {
            var batched = ApiTests.Probabilities(answers[i].Body);
            for (var c = 0; c < batched.Length; c++) Assert.Equal(alone[i][c], batched[c], 5);
        }
        var metrics = await service.Client.GetStringAsync("/metrics");
        Assert.Contains("medlearn_batch_size_sum{model=\"tiny\"} 8", metrics);
    }

    [Fact]
    public async Task AFullQueueRefusesAndACancelledRequestIsNotRun()
    {
        var baseline = LiveTensors.Count;
        var release = new ManualResetEventSlim();
        var batches = new ConcurrentQueue<int>();
        float[][] Forward(Tensor batch)
        {
            release.Wait(TimeSpan.FromSeconds(30));
            batches.Enqueue((int)batch.Size(0));
            return [.. Enumerable.Range(0, (int)batch.Size(0)).Select(i => new[] { (float)i })];
        }
        using (var batcher = new InferenceBatcher(Forward, maxBatch: 1, maxWait: TimeSpan.Zero, capacity: 2, retryAfterSeconds: 3, (_, _) => { }))
        {
            Tensor Input() => torch.Zeros([1, 2, 2]).DetachFromDisposeScope();
            var first = batcher.EnqueueAsync(Input(), CancellationToken.None);
            await WaitUntil(() => batcher.Waiting == 0); // the worker holds the first, blocked in its forward pass
            using var gone = new CancellationTokenSource();
            var second = batcher.EnqueueAsync(Input(), gone.Token);
            var third = batcher.EnqueueAsync(Input(), CancellationToken.None);
            Assert.Equal(2, batcher.Waiting);
            ApiException? refused = null;
            try
            {
                _ = batcher.EnqueueAsync(Input(), CancellationToken.None); // refused at once, not as a faulted task
            }
            catch (ApiException e)
            {
                refused = e;
            }
            Assert.NotNull(refused);
            Assert.Equal(429, refused.Status);
            Assert.Equal(3, refused.RetryAfterSeconds);
            gone.Cancel(); // the client of the second request goes away while it waits
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
            release.Set();
            Assert.Equal(0, (await first).Probabilities[0]);
            Assert.Equal(0, (await third).Probabilities[0]);
        }
        Assert.Equal([1, 1], batches); // two forward passes: the first and third requests; none for the cancelled one
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public async Task EveryForwardPassRunsOnTheModelsOneExecutorThreadWithTheFullIntraOpPool()
    {
        // Forward passes that hop across thread-pool threads give each thread its own OpenMP team, oneDNN scratchpad and
        // malloc arena (RSS grew with the requests served): they must all run on one dedicated thread.
        var threads = new ConcurrentQueue<(int Id, string? Name, int IntraOp)>();
        float[][] Forward(Tensor batch)
        {
            threads.Enqueue((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, torch.ThreadNumThreads));
            return [.. Enumerable.Range(0, (int)batch.Size(0)).Select(_ => new[] { 1f })];
        }
        using (var batcher = new InferenceBatcher(Forward, maxBatch: 4, maxWait: TimeSpan.FromMilliseconds(1), capacity: 64, retryAfterSeconds: 1, (_, _) => { }))
        {
            for (var round = 0; round < 12; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => batcher.EnqueueAsync(torch.Zeros([1, 2, 2]), CancellationToken.None))));
                await Task.Delay(5); // the executor waits for work between rounds (an async loop would resume elsewhere)
            }
        }
        Assert.True(threads.Count >= 12);
        Assert.Single(threads.Select(t => t.Id).Distinct());
        Assert.All(threads, t => Assert.Equal("medlearn-batcher", t.Name));
        Assert.All(threads, t => Assert.Equal(torch.NumThreads, t.IntraOp));
    }

    [Fact]
    public async Task TheServiceAnswers429WithRetryAfterWhenExplanationsPileUp()
    {
        await using var service = await TestService.StartAsync(run.Run, o => o with { ExplainCapacity = 1, RetryAfterSeconds = 2 });
        var image = File.ReadAllBytes(Path.Combine(run.Data, "a", "a0.png"));
        var model = service.Service.State.Catalog.Get("tiny");
        using var release = new ManualResetEventSlim();
        var holder = model.WithExplainSlotAsync(() => release.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None); // an explanation in progress
        var (status, body, response) = await ApiTests.PostAsync(service.Client, "/v1/models/tiny/explain", image);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("queue_full", body.GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        release.Set();
        await holder;
        var (after, answer, _) = await ApiTests.PostAsync(service.Client, "/v1/models/tiny/explain", image);
        Assert.True(after == HttpStatusCode.OK, answer.ToString());
    }

    [Fact]
    public async Task RequestsLeaveNoTensorBehind()
    {
        await using var service = await TestService.StartAsync(run.Run, o => o with { MaxBatch = 4, MaxBatchWait = TimeSpan.FromMilliseconds(20) });
        var image = File.ReadAllBytes(Path.Combine(run.Data, "a", "a1.png"));
        Assert.Equal(HttpStatusCode.OK, (await ApiTests.PostAsync(service.Client, "/v1/models/tiny/predict", image)).Status);
        var baseline = LiveTensors.Count;
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ApiTests.PostAsync(service.Client, "/v1/models/tiny/predict", image)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(HttpStatusCode.OK, (await ApiTests.PostAsync(service.Client, "/v1/models/tiny/explain?method=occlusion&window=4&stride=4", image)).Status);
        Assert.Equal(HttpStatusCode.OK, (await ApiTests.PostAsync(service.Client, "/v1/render", image)).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ApiTests.PostAsync(service.Client, "/v1/models/tiny/predict", image[..100])).Status);
        Assert.Equal(baseline, LiveTensors.Count); // every intermediate freed at once, none left to the finalizer
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
