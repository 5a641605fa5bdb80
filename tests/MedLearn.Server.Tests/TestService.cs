using System.Collections.Concurrent;
using MedLearn.Server.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace MedLearn.Server.Tests;

/// <summary>A service on ASP.NET Core's in-process test server, with every log line it writes kept in <see cref="Log"/>.</summary>
internal sealed class TestService : IAsyncDisposable
{
    private TestService(MedLearnService service, LogSink log)
    {
        Service = service;
        _log = log;
        Client = service.App.GetTestClient();
    }

    public MedLearnService Service { get; }
    public HttpClient Client { get; }
    private readonly LogSink _log;

    /// <summary>Every log line so far (message and exception text).</summary>
    public string Log => string.Join("\n", _log.Lines);

    public static async Task<TestService> StartAsync(string run, Func<ServeOptions, ServeOptions>? change = null)
    {
        var options = new ServeOptions { Models = [new ModelSource("tiny", run)], Precision = "fp32" };
        if (change is not null) options = change(options);
        var sink = new LogSink();
        var service = MedLearnService.Create(options, builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.AddProvider(sink);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        });
        await service.StartAsync();
        return new TestService(service, sink);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Service.DisposeAsync();
    }

    private sealed class LogSink : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        private sealed class Logger(LogSink sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
