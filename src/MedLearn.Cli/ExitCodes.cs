namespace MedLearn.Cli;

/// <summary>
/// The exit codes of every <c>medlearn</c> command (documented in README.md, "Exit codes"): 0 success; 1 the work ran
/// but failed (training diverged, a sweep cell failed, a file could not be written, doctor's self-test failed); 2 a
/// usage or input-data error (unknown flag, bad value or setting, unreadable or malformed data, weights or run
/// folder), reported as one line before anything is written; 130 interrupted (Ctrl-C or SIGTERM).
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The work ran but failed.</summary>
    public const int Failed = 1;

    /// <summary>Usage or input-data error.</summary>
    public const int UsageOrData = 2;

    /// <summary>Stopped by Ctrl-C or SIGTERM.</summary>
    public const int Interrupted = 130;
}
