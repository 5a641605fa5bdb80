namespace MedLearn.Server.Hosting;

/// <summary>
/// Settings of <c>medlearn serve</c>: what is served, where, and the limits that protect the service from its
/// clients. Immutable; the defaults are safe for a workstation (loopback, no key needed there).
/// </summary>
public sealed record ServeOptions
{
    /// <summary>The models: a name (how clients address it) and a run folder each.</summary>
    public IReadOnlyList<ModelSource> Models { get; init; } = [];

    /// <summary>Address to bind: 127.0.0.1 (default, loopback only), ::1, localhost, 0.0.0.0, or any IP of the machine.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port (0 = any free port).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The API key clients must send as <c>Authorization: Bearer KEY</c>, or null (allowed on loopback only).</summary>
    public string? ApiKey { get; init; }

    /// <summary>HTTPS certificate: a PKCS#12 (.pfx/.p12) or PEM certificate file, or null for plain HTTP.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>PEM private key of <see cref="CertificatePath"/> (when that is a PEM certificate), or null.</summary>
    public string? CertificateKeyPath { get; init; }

    /// <summary>Password of the PKCS#12 file or of the encrypted PEM key, or null.</summary>
    public string? CertificatePassword { get; init; }

    /// <summary>Largest accepted request body in bytes (larger: 413). Default 64 MiB.</summary>
    public long MaxUploadBytes { get; init; } = 64L << 20;

    /// <summary>Largest decoded image in pixels (rows x columns x slices; larger: 413, checked from the header). Default 2^27 (134 M).</summary>
    public long MaxPixels { get; init; } = 1L << 27;

    /// <summary>Largest decoded image in bytes. Default 1 GiB.</summary>
    public long MaxDecodedBytes { get; init; } = 1L << 30;

    /// <summary>Most images in one forward pass of the dynamic batcher (1 = no batching). Default 16.</summary>
    public int MaxBatch { get; init; } = 16;

    /// <summary>Longest time the first image of a batch waits for more to join. Default 5 ms.</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Images waiting per model before requests are refused with 429 (back-pressure). Default 64.</summary>
    public int QueueCapacity { get; init; } = 64;

    /// <summary>Explanations running or waiting per model before 429. Default 2.</summary>
    public int ExplainCapacity { get; init; } = 2;

    /// <summary>Origins allowed by CORS; empty (default) = CORS off (no cross-origin browser access).</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Inference precision: auto, fp32 or bf16.</summary>
    public string Precision { get; init; } = "auto";

    /// <summary>Seconds advertised in Retry-After when a queue is full.</summary>
    public int RetryAfterSeconds { get; init; } = 1;
}

/// <summary>A model to serve: the name clients use and the run folder on the server.</summary>
/// <param name="Name">Letters, digits, '.', '_' or '-'.</param>
/// <param name="RunDirectory">The run folder (model.json + model.pt).</param>
public sealed record ModelSource(string Name, string RunDirectory);
