using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization;
using MedLearn.Server.Http;
using MedLearn.Server.Inference;
using MedLearn.Server.Viewer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedLearn.Server.Hosting;

/// <summary>
/// The inference service of <c>medlearn serve</c>: the run folders' models behind a JSON API under <c>/v1</c>, Prometheus
/// metrics at <c>/metrics</c>, the OpenAPI document at <c>/openapi/v1.json</c> and the web viewer at <c>/</c>. Built by
/// <see cref="Create"/>, which checks the security settings first (refusing a non-loopback address without an API key)
/// and loads and warms up every model; then <see cref="StartAsync"/>, and <see cref="DisposeAsync"/> to stop.
/// </summary>
public sealed class MedLearnService : IAsyncDisposable
{
    private readonly ModelCatalog _catalog;
    private readonly string _uploads;

    private MedLearnService(WebApplication app, ModelCatalog catalog, ServiceState state, string uploads)
    {
        App = app;
        _catalog = catalog;
        State = state;
        _uploads = uploads;
    }

    /// <summary>The ASP.NET Core application (tests use its test server).</summary>
    public WebApplication App { get; }

    internal ServiceState State { get; }

    /// <summary>The served model names.</summary>
    public IReadOnlyList<string> ModelNames => State.ModelNames;

    /// <summary>
    /// Checks <paramref name="options"/>, loads the models and builds the application. <paramref name="configure"/> may
    /// add logging providers (the library itself logs only through ILogger) or a test server.
    /// </summary>
    /// <exception cref="ServeStartupException">Unsafe or impossible settings (the message says which and what to do).</exception>
    /// <exception cref="ArgumentException">Bad model names.</exception>
    /// <exception cref="InvalidDataException">A run cannot be served.</exception>
    public static MedLearnService Create(ServeOptions options, Action<WebApplicationBuilder>? configure = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = CheckSecurity(options);
        var certificate = LoadCertificate(options);
        if (options.MaxBatch < 1 || options.QueueCapacity < 1 || options.ExplainCapacity < 1 || options.MaxUploadBytes < 1 || options.MaxPixels < 1)
            throw new ServeStartupException("--max-batch, --queue, --explain-queue, --max-upload-mb and --max-pixels must be positive");
        var metrics = new ServerMetrics();
        var catalog = ModelCatalog.Load(options, metrics, progress);
        var uploads = Directory.CreateTempSubdirectory("medlearn-serve-").FullName;
        try
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(uploads, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var state = new ServiceState(options, catalog, metrics, uploads);
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(MedLearnService).Assembly.GetName().Name });
            builder.Logging.ClearProviders();
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                // Kestrel's own limit sits above ours so that the refusal is our JSON error (multipart framing adds a little).
                kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes + (1 << 20);
                void Endpoint(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
                {
                    if (certificate is not null) listen.UseHttps(certificate);
                }
                if (address is null) kestrel.ListenLocalhost(options.Port, Endpoint);
                else kestrel.Listen(address, options.Port, Endpoint);
            });
            builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = options.MaxUploadBytes);
            builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);
            builder.Services.AddOpenApi("v1");
            builder.Services.AddSingleton(state);
            if (options.CorsOrigins.Count > 0)
                builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
                    policy.WithOrigins([.. options.CorsOrigins]).WithMethods("GET", "POST").WithHeaders("Authorization", "Content-Type")));
            configure?.Invoke(builder);

            var app = builder.Build();
            app.UseMiddleware<ServiceMiddleware>();
            if (options.CorsOrigins.Count > 0) app.UseCors();
            ApiEndpoints.Map(app, state);
            app.MapGet("/metrics", async context =>
            {
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
            });
            app.MapOpenApi("/openapi/{documentName}.json");
            ViewerEndpoints.Map(app);
            app.Lifetime.ApplicationStarted.Register(() => state.Ready = true);
            app.Lifetime.ApplicationStopping.Register(() => state.Ready = false);
            return new MedLearnService(app, catalog, state, uploads);
        }
        catch
        {
            catalog.Dispose();
            Directory.Delete(uploads, recursive: true);
            throw;
        }
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken cancellation = default) => App.StartAsync(cancellation);

    /// <summary>The addresses the service listens on (after <see cref="StartAsync"/>).</summary>
    public IReadOnlyList<string> Addresses =>
        [.. App.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? []];

    /// <summary>Whether <paramref name="host"/> is a loopback address (127.0.0.0/8, ::1, localhost).</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The address to bind (null = localhost on both IPv4 and IPv6); refuses a non-loopback one without an API key.</summary>
    private static IPAddress? CheckSecurity(ServeOptions options)
    {
        IPAddress? address = null;
        if (!string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(options.Host, out address))
            throw new ServeStartupException($"--host {options.Host}: give an IP address of this machine (e.g. 127.0.0.1, 0.0.0.0, ::) or localhost");
        if (options.ApiKey is { } key && key.Trim().Length < 16)
            throw new ServeStartupException("the API key is too short: use at least 16 characters (e.g. `openssl rand -hex 32`)");
        if (!IsLoopback(options.Host) && options.ApiKey is null)
            throw new ServeStartupException($"--host {options.Host} is reachable from other machines: an API key is required " +
                "(--api-key-file FILE or the MEDLEARN_API_KEY environment variable); clients then send 'Authorization: Bearer KEY'");
        if (options.Port is < 0 or > 65535) throw new ServeStartupException($"--port {options.Port}: use 0-65535");
        return address;
    }

    private static X509Certificate2? LoadCertificate(ServeOptions options)
    {
        if (options.CertificatePath is not { } path) return null;
        try
        {
            if (!File.Exists(path)) throw new FileNotFoundException("not found");
            return options.CertificateKeyPath is { } keyPath
                ? (options.CertificatePassword is { } pw ? X509Certificate2.CreateFromEncryptedPemFile(path, pw, keyPath) : X509Certificate2.CreateFromPemFile(path, keyPath))
                : X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ServeStartupException($"--certificate {path}: cannot load the certificate ({e.Message}); give a PKCS#12 file (with --certificate-password-file) or a PEM certificate with --certificate-key", e);
        }
    }

    /// <summary>Stops the service, frees the models and removes the upload folder.</summary>
    public async ValueTask DisposeAsync()
    {
        State.Ready = false;
        try
        {
            await App.StopAsync();
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        await App.DisposeAsync();
        _catalog.Dispose();
        try { Directory.Delete(_uploads, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
