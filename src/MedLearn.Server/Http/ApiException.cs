namespace MedLearn.Server.Http;

/// <summary>
/// A request the service refuses: the HTTP status, a stable machine-readable code and a message for people. Turned into an
/// RFC 9457 problem document (<c>application/problem+json</c>) by <see cref="ProblemResponses"/>. Messages never contain
/// server paths, upload file names or anything read from inside a file other than its geometry.
/// </summary>
public sealed class ApiException(int status, string code, string message, int? retryAfterSeconds = null) : Exception(message)
{
    /// <summary>HTTP status (4xx for the client's mistakes, 429 for back-pressure, 503 while not ready).</summary>
    public int Status { get; } = status;

    /// <summary>Machine-readable reason, e.g. <c>image_unreadable</c>.</summary>
    public string Code { get; } = code;

    /// <summary>Seconds for the Retry-After header (429/503), or null.</summary>
    public int? RetryAfterSeconds { get; } = retryAfterSeconds;
}
