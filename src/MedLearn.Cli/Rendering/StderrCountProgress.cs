namespace MedLearn.Cli.Rendering;

/// <summary>
/// "label: done/total[ unit]" on stderr: one updating line on a terminal; in a log, a line each time another
/// 1/<c>steps</c> of the total is reached (so logs stay short).
/// </summary>
/// <typeparam name="T">The progress report type.</typeparam>
/// <param name="label">Text before the counts.</param>
/// <param name="steps">Lines at most in a log (10 = every 10%).</param>
/// <param name="unit">Text after the counts, e.g. " windows"; may be empty.</param>
/// <param name="counts">Done and total of a report.</param>
internal sealed class StderrCountProgress<T>(string label, int steps, string unit, Func<T, (int Done, int Total)> counts) : IProgress<T>
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private int _lastStep = -1;
    private bool _dirty;

    public void Report(T value)
    {
        var (done, total) = counts(value);
        if (_interactive)
        {
            Console.Error.Write($"\r{label}: {done}/{total}{unit}");
            _dirty = true;
            return;
        }
        var step = done * steps / Math.Max(total, 1);
        if (step == _lastStep) return;
        _lastStep = step;
        Console.Error.WriteLine($"{label}: {done}/{total}{unit}");
    }

    /// <summary>Ends the updating line on a terminal.</summary>
    public void Finish()
    {
        if (_dirty) Console.Error.WriteLine();
        _dirty = false;
    }
}
