using System.CommandLine;
using MedLearn.Cli.Rendering;
using MedLearn.Server.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn serve --run RUN [--run NAME=RUN ...] [--port 8080] [--host 127.0.0.1]</c>: serves trained classification,
/// GMIC and segmentation runs over HTTP (JSON API under /v1, metrics, OpenAPI, web viewer) until Ctrl-C or SIGTERM. A non-loopback host needs
/// an API key (--api-key-file or MEDLEARN_API_KEY); HTTPS with --certificate.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The environment variable holding the API key.</summary>
    public const string ApiKeyVariable = "MEDLEARN_API_KEY";

    public static Command Create()
    {
        var runs = new Option<string[]>("--run") { Description = "Run folder to serve, as FOLDER (named after the folder) or NAME=FOLDER; repeat for several models.", Required = true, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var host = new Option<string>("--host") { Description = "Address to bind: 127.0.0.1 (default, this machine only), 0.0.0.0 or :: (every interface; needs an API key), or an IP of this machine.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0 = any free port).", DefaultValueFactory = _ => 8080 };
        var keyFile = new Option<string?>("--api-key-file") { Description = $"File whose first line is the API key clients send as 'Authorization: Bearer KEY' (or set {ApiKeyVariable})." };
        var certificate = new Option<string?>("--certificate") { Description = "HTTPS certificate: a PKCS#12 file (.pfx/.p12) or a PEM certificate (with --certificate-key)." };
        var certificateKey = new Option<string?>("--certificate-key") { Description = "PEM private key of a PEM --certificate." };
        var certificatePassword = new Option<string?>("--certificate-password-file") { Description = "File whose first line is the password of the PKCS#12 file or encrypted PEM key." };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "Largest request accepted, in MiB (larger: 413).", DefaultValueFactory = _ => 64 };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Largest image accepted, in pixels (rows x columns x slices; checked from the file's header).", DefaultValueFactory = _ => 1L << 27 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Dynamic batching: most images per forward pass (1 = no batching).", DefaultValueFactory = _ => 16 };
        var maxWait = new Option<double>("--max-wait-ms") { Description = "Dynamic batching: longest wait for a batch to fill, in milliseconds.", DefaultValueFactory = _ => 5 };
        var queue = new Option<int>("--queue") { Description = "Images that may wait per model; more are refused with 429 and Retry-After.", DefaultValueFactory = _ => 64 };
        var explainQueue = new Option<int>("--explain-queue") { Description = "Explanations running or waiting per model; more are refused with 429.", DefaultValueFactory = _ => 2 };
        var cors = new Option<string[]>("--cors-origin") { Description = "Allow browser pages from this origin (e.g. https://pacs.example.org); repeatable. Default: CORS off." };
        var precision = new Option<string>("--precision") { Description = "auto, fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        precision.AcceptOnlyFromAmong("auto", "fp32", "bf16");
        var command = new Command("serve", "Serve trained runs over HTTP: JSON API (/v1), Prometheus metrics, OpenAPI and a web viewer.")
        {
            runs, host, port, keyFile, certificate, certificateKey, certificatePassword, maxUpload, maxPixels, maxBatch, maxWait, queue, explainQueue, cors, precision,
        };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                var options = new ServeOptions
                {
                    Models = [.. parse.GetValue(runs)!.Select(ParseRun)],
                    Host = parse.GetValue(host)!,
                    Port = parse.GetValue(port),
                    ApiKey = ReadApiKey(parse.GetValue(keyFile)),
                    CertificatePath = parse.GetValue(certificate),
                    CertificateKeyPath = parse.GetValue(certificateKey),
                    CertificatePassword = parse.GetValue(certificatePassword) is { } f ? FirstLine(f, "--certificate-password-file") : null,
                    MaxUploadBytes = (long)parse.GetValue(maxUpload) << 20,
                    MaxPixels = parse.GetValue(maxPixels),
                    MaxBatch = parse.GetValue(maxBatch),
                    MaxBatchWait = TimeSpan.FromMilliseconds(parse.GetValue(maxWait)),
                    QueueCapacity = parse.GetValue(queue),
                    ExplainCapacity = parse.GetValue(explainQueue),
                    CorsOrigins = parse.GetValue(cors) ?? [],
                    Precision = parse.GetValue(precision)!,
                };
                return Serve(console, options);
            }
            catch (ServeStartupException e)
            {
                console.MarkupLineInterpolated($"[red]serve: {e.Message}[/]");
                return ExitCodes.UsageOrData;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "serve", e);
            }
        });
        return command;
    }

    private static int Serve(IAnsiConsole console, ServeOptions options)
    {
        using var signals = new StopSignals(console, "stopping the service (requests in flight finish)");
        var service = MedLearnService.Create(options,
            builder => builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss ";
                o.UseUtcTimestamp = true;
            }),
            new Progress<string>(line => console.MarkupLineInterpolated($"serve: {line}")));
        try
        {
            service.StartAsync(signals.Token).GetAwaiter().GetResult();
            foreach (var address in service.Addresses)
                console.MarkupLineInterpolated($"serve: {string.Join(", ", service.ModelNames)} at {address} (viewer: {address}/, API: {address}/v1/models, OpenAPI: {address}/openapi/v1.json)");
            if (options.ApiKey is null) console.MarkupLine("serve: no API key (loopback only)");
            signals.Token.WaitHandle.WaitOne();
            return ExitCodes.Success;
        }
        finally
        {
            service.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>FOLDER (named after the folder) or NAME=FOLDER.</summary>
    internal static ModelSource ParseRun(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0 && !Directory.Exists(text)) return new ModelSource(text[..equals], text[(equals + 1)..]);
        return new ModelSource(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(text))), text);
    }

    /// <summary>The key from <paramref name="file"/>, else from <see cref="ApiKeyVariable"/>, else null.</summary>
    internal static string? ReadApiKey(string? file)
    {
        if (file is not null) return FirstLine(file, "--api-key-file");
        var variable = Environment.GetEnvironmentVariable(ApiKeyVariable);
        return string.IsNullOrWhiteSpace(variable) ? null : variable.Trim();
    }

    private static string FirstLine(string file, string option)
    {
        if (!File.Exists(file)) throw new ServeStartupException($"{option} {file}: file not found");
        var line = File.ReadLines(file).FirstOrDefault()?.Trim();
        return string.IsNullOrEmpty(line) ? throw new ServeStartupException($"{option} {file}: the first line is empty") : line;
    }
}
