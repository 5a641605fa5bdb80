namespace MedLearn.Cli.Rendering;

/// <summary>An <see cref="IProgress{T}"/> that runs its handler on the reporting thread (Progress&lt;T&gt; posts to the thread pool, which would reorder console lines).</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
