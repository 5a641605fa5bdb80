using System.Text;

namespace MedLearn;

/// <summary>Atomic text-file writes (temporary file in the same folder, flushed, renamed over the target).</summary>
internal static class AtomicText
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 (no BOM) to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, string text) =>
        MedLearn.Torch.Serialization.AtomicFile.Write(path, s =>
        {
            var bytes = new UTF8Encoding(false).GetBytes(text);
            s.Write(bytes);
        });

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, byte[] bytes) => MedLearn.Torch.Serialization.AtomicFile.Write(path, s => s.Write(bytes));
}
