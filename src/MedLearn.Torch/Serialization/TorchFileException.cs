namespace MedLearn.Torch.Serialization;

/// <summary>
/// A PyTorch file cannot be read or written: not a PyTorch file, legacy (pre-1.6) format, truncated or
/// corrupt archive, missing record, unsupported pickle opcode or global, or a value that has no PyTorch
/// equivalent. The message names the file and what is wrong.
/// </summary>
public sealed class TorchFileException : IOException
{
    /// <summary>Creates the exception; the message is prefixed with the file path.</summary>
    public TorchFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file being read or written.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
