using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MedLearn.Server.Http;

/// <summary>
/// Writes errors as RFC 9457 problem documents: <c>{"type", "title", "status", "detail", "code"}</c> with content type
/// <c>application/problem+json</c> (and Retry-After when the error has one).
/// </summary>
internal static class ProblemResponses
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Writes <paramref name="error"/> to <paramref name="context"/>'s response (which must not have started).</summary>
    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = error.Status;
        response.ContentType = "application/problem+json";
        if (error.Status == 401) response.Headers.WWWAuthenticate = "Bearer";
        if (error.RetryAfterSeconds is { } seconds) response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var document = new Dictionary<string, object>
        {
            ["type"] = "https://medlearn.invalid/problems/" + error.Code,
            ["title"] = Title(error.Status),
            ["status"] = error.Status,
            ["detail"] = error.Message,
            ["code"] = error.Code,
        };
        await response.WriteAsync(JsonSerializer.Serialize(document, s_json), context.RequestAborted).ConfigureAwait(false);
    }

    private static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        404 => "Not found",
        413 => "Too large",
        415 => "Unsupported media type",
        422 => "Unprocessable image",
        429 => "Too many requests",
        499 => "Client closed request",
        503 => "Service unavailable",
        _ => "Error",
    };
}
