using System.Net;
using System.Text.RegularExpressions;
using MedLearn.Server.Hosting;

namespace MedLearn.Server.Tests;

/// <summary>
/// A client that goes away mid-request on a real Kestrel socket: its queued image is dropped without a forward pass
/// (the dropped counter rises, the images counter does not), and the service answers the next request.
/// </summary>
[Collection(ServedRunCollection.Name)]
public sealed partial class ClientDisconnectTests(TrainedRunFixture run)
{
    [Fact]
    public async Task AnAbortedRequestIsDroppedUnrunAndTheServiceKeepsServing()
    {
        // A long batch wait: the image sits in the filling batch for seconds, long enough for its client to go away.
        var options = new ServeOptions
        {
            Models = [new ModelSource("tiny", run.Run)], Precision = "fp32", Host = "127.0.0.1", Port = 0,
            MaxBatch = 8, MaxBatchWait = TimeSpan.FromSeconds(4),
        };
        await using var service = MedLearnService.Create(options);
        await service.StartAsync();
        var address = service.Addresses.Single();
        var batcher = service.State.Catalog.Get("tiny").Batcher!;
        var image = File.ReadAllBytes(Path.Combine(run.Data, "a", "a0.png"));
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        using (var gone = new CancellationTokenSource())
        {
            var aborted = http.PostAsync("/v1/models/tiny/predict", new ByteArrayContent(image), gone.Token);
            for (var i = 0; i < 3000 && batcher.Received == 0; i++) await Task.Delay(5);
            Assert.Equal(1, batcher.Received); // queued (and taken into the filling batch)
            gone.Cancel(); // HttpClient closes the connection
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => aborted);
        }
        for (var i = 0; i < 1000 && batcher.Dropped == 0; i++) await Task.Delay(10);
        Assert.Equal(1, batcher.Dropped);

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(1, Counter(metrics, "medlearn_dropped_total{model=\"tiny\"}"));
        Assert.Equal(0, Counter(metrics, "medlearn_images_total{model=\"tiny\"}")); // no forward pass for it
        Assert.Equal(1, Counter(metrics, "medlearn_errors_total{code=\"client_closed\"}"));

        using var next = await http.PostAsync("/v1/models/tiny/predict", new ByteArrayContent(image));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(1, Counter(metrics, "medlearn_images_total{model=\"tiny\"}"));
        Assert.Equal(1, Counter(metrics, "medlearn_dropped_total{model=\"tiny\"}"));
    }

    /// <summary>The value of the sample <paramref name="series"/> in Prometheus text, or 0 when absent.</summary>
    private static double Counter(string metrics, string series)
    {
        var m = Regex.Match(metrics, "^" + Regex.Escape(series) + " ([0-9.eE+-]+)$", RegexOptions.Multiline);
        return m.Success ? double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
