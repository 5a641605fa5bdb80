using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// Resizing a ViT position embedding [1, 1 + g_h·g_w, D] to another patch grid, as torchvision's
/// <c>interpolate_embeddings</c> does: the class-token row is kept, the patch rows are laid out as a
/// [1, D, g_h, g_w] map, resized bicubically with align_corners = true, and flattened back (row-major).
/// </summary>
public static class PositionEmbedding
{
    /// <summary>
    /// <paramref name="embedding"/> [1, 1 + <paramref name="fromH"/>·<paramref name="fromW"/>, D] resized to a
    /// <paramref name="toH"/> x <paramref name="toW"/> grid (differentiable; the input when the grids are equal).
    /// </summary>
    /// <exception cref="ArgumentException">The embedding's length does not fit the given grid.</exception>
    public static Tensor Resize(Tensor embedding, long fromH, long fromW, long toH, long toW)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        if (embedding.Dim != 3 || embedding.Shape[0] != 1 || embedding.Shape[1] != 1 + fromH * fromW)
            throw new ArgumentException($"position embedding [{string.Join(", ", embedding.Shape)}] does not fit a {fromH}x{fromW} patch grid plus the class token", nameof(embedding));
        if (fromH == toH && fromW == toW) return embedding.Alias();
        using var scope = DisposeScope.Open();
        var d = embedding.Shape[2];
        var token = embedding.Narrow(1, 0, 1);
        var grid = embedding.Narrow(1, 1, fromH * fromW).Permute(0, 2, 1).Reshape(1, d, fromH, fromW);
        var resized = Functional.Interpolate(grid, [toH, toW], mode: InterpolateMode.Bicubic, alignCorners: true)
            .Reshape(1, d, toH * toW).Permute(0, 2, 1);
        return scope.MoveToOuter(torch.Cat([token, resized], 1));
    }

    /// <summary>The side of the square patch grid of an embedding of <paramref name="length"/> rows (1 + g²), or null when not square.</summary>
    public static long? SquareGridSide(long length)
    {
        var g = (long)Math.Round(Math.Sqrt(length - 1));
        return length > 1 && g * g == length - 1 ? g : null;
    }
}
