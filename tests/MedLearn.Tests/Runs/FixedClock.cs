namespace MedLearn.Tests.Runs;

/// <summary>A clock that returns a set time, advanced by hand.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
