using Prometheus;

namespace MedLearn.Server.Hosting;

/// <summary>
/// The service's Prometheus metrics (prometheus-net), in a registry of their own so that two services in one process
/// (tests) count separately. Exposed as text at <c>/metrics</c>.
/// </summary>
public sealed class ServerMetrics
{
    public ServerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        Requests = factory.CreateCounter("medlearn_http_requests_total", "HTTP requests by endpoint and status code.",
            new CounterConfiguration { LabelNames = ["endpoint", "status"] });
        Latency = factory.CreateHistogram("medlearn_http_request_duration_seconds", "Request latency by endpoint (receive to response).",
            new HistogramConfiguration { LabelNames = ["endpoint"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        Errors = factory.CreateCounter("medlearn_errors_total", "Refused or failed requests by error code.",
            new CounterConfiguration { LabelNames = ["code"] });
        BatchSize = factory.CreateHistogram("medlearn_batch_size", "Images per forward pass of the dynamic batcher.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = [1, 2, 4, 8, 16, 32, 64, 128] });
        ForwardSeconds = factory.CreateHistogram("medlearn_forward_duration_seconds", "Time of one batched forward pass.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        QueueDepth = factory.CreateGauge("medlearn_queue_depth", "Images waiting for the batcher.",
            new GaugeConfiguration { LabelNames = ["model"] });
        Dropped = factory.CreateCounter("medlearn_dropped_total", "Images dropped without a forward pass because the client went away, by model.",
            new CounterConfiguration { LabelNames = ["model"] });
        Images = factory.CreateCounter("medlearn_images_total", "Images classified, by model.",
            new CounterConfiguration { LabelNames = ["model"] });
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    public Counter Requests { get; }
    public Histogram Latency { get; }
    public Counter Errors { get; }
    public Histogram BatchSize { get; }
    public Histogram ForwardSeconds { get; }
    public Gauge QueueDepth { get; }
    public Counter Images { get; }
    public Counter Dropped { get; }
}
