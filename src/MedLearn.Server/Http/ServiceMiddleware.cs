using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using MedLearn.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace MedLearn.Server.Http;

/// <summary>
/// Around every request: the access log line (method, route, status, milliseconds: never file names, query values or
/// anything from an upload), the request metrics, the API key check, and the translation of errors into problem
/// documents (4xx for the client's mistakes; 500 with no details for anything else, logged by type only).
/// </summary>
internal sealed class ServiceMiddleware(RequestDelegate next, ServiceState state, ILogger<ServiceMiddleware> logger)
{
    private readonly byte[]? _keyHash = state.Options.ApiKey is { } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (NeedsKey(context.Request.Path)) CheckKey(context);
            await next(context);
            if (context.Response.StatusCode >= 400 && !context.Response.HasStarted)
                throw context.Response.StatusCode switch
                {
                    404 => new ApiException(404, "not_found", $"no such resource: {context.Request.Method} {Printable(context.Request.Path)}; the API is under /v1 (see /openapi/v1.json)"),
                    405 => new ApiException(405, "method_not_allowed", $"{context.Request.Method} is not allowed here"),
                    var status => new ApiException(status, "http_" + status, "the request was refused"),
                };
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await Refuse(context, e);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await Refuse(context, new ApiException(e.StatusCode, e.StatusCode == 413 ? "upload_too_large" : "bad_request",
                e.StatusCode == 413 ? $"the request is larger than the limit of {state.Options.MaxUploadBytes} bytes" : "malformed request"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499; // the client went away: nothing to send
            state.Metrics.Errors.WithLabels("client_closed").Inc();
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError("request failed: {Type}", e.GetType().Name);
            await Refuse(context, new ApiException(500, "internal_error", "the service failed to process the request; see the service log"));
        }
        finally
        {
            var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? (context.Response.StatusCode == 404 ? "unmatched" : "other");
            state.Metrics.Requests.WithLabels(endpoint, context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            state.Metrics.Latency.WithLabels(endpoint).Observe(clock.Elapsed.TotalSeconds);
            foreach (var model in state.Catalog.Models) state.Metrics.QueueDepth.WithLabels(model.Name).Set(model.Batcher?.Waiting ?? 0);
            logger.LogInformation("{Method} {Endpoint} {Status} {Milliseconds:F1} ms", context.Request.Method, endpoint, context.Response.StatusCode, clock.Elapsed.TotalMilliseconds);
        }
    }

    private static string Printable(PathString path)
    {
        var text = path.ToString();
        return text.Length > 100 ? text[..100] + "..." : text;
    }

    private async Task Refuse(HttpContext context, ApiException e)
    {
        state.Metrics.Errors.WithLabels(e.Code).Inc();
        await ProblemResponses.WriteAsync(context, e);
    }

    /// <summary>The API and the metrics need the key (when one is set); liveness, readiness, the viewer's files and the OpenAPI document do not.</summary>
    private bool NeedsKey(PathString path) => _keyHash is not null
        && (path.StartsWithSegments("/v1") || path.StartsWithSegments("/metrics"))
        && !path.StartsWithSegments("/v1/health") && !path.StartsWithSegments("/v1/ready");

    private void CheckKey(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
            throw new ApiException(401, "missing_api_key", "this service needs an API key: send 'Authorization: Bearer KEY'");
        const string prefix = "Bearer ";
        var given = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : "";
        // Compare hashes in constant time: the time taken says nothing about how much of the key was right.
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _keyHash))
            throw new ApiException(401, "wrong_api_key", "the API key is wrong (send 'Authorization: Bearer KEY')");
    }
}
