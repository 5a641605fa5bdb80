using System.Runtime.InteropServices;
using Spectre.Console;

namespace MedLearn.Cli.Rendering;

/// <summary>
/// Turns Ctrl-C (SIGINT) and SIGTERM (what schedulers, <c>docker stop</c> and <c>kill</c> send) into one cancellation:
/// the first signal prints the stopping message and cancels <see cref="Token"/> instead of killing the
/// process, so the work can save a checkpoint and the command can exit with 130. Dispose to restore the default handling.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly IAnsiConsole _console;
    private readonly string _stoppingMessage;
    private readonly ConsoleCancelEventHandler _onCancelKey;
    private readonly PosixSignalRegistration? _sigterm;
    private int _signalled;

    public StopSignals(IAnsiConsole console, string stoppingMessage)
    {
        _console = console;
        _stoppingMessage = stoppingMessage;
        _onCancelKey = (_, e) =>
        {
            e.Cancel = true;
            Stop("interrupt");
        };
        Console.CancelKeyPress += _onCancelKey;
        if (!OperatingSystem.IsWindows())
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Stop("SIGTERM");
            });
    }

    /// <summary>Cancelled by the first Ctrl-C or SIGTERM.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The signal that stopped the work ("interrupt" or "SIGTERM"), or null.</summary>
    public string? Signal { get; private set; }

    private void Stop(string signal)
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            Signal = signal;
            _console.MarkupLineInterpolated($"[yellow]{signal}: {_stoppingMessage}[/]");
        }
        _cts.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancelKey;
        _sigterm?.Dispose();
        _cts.Dispose();
    }
}
