namespace MedLearn.Explain;

/// <summary>
/// A 3 x 5 pixel font for the numbers of overlay legends (digits, '.', '-', '+', 'E'); no font library is needed.
/// Each glyph is five rows of three bits (most significant bit = left pixel).
/// </summary>
internal static class BitmapFont
{
    public const int Width = 3;
    public const int Height = 5;

    private static readonly Dictionary<char, int[]> s_glyphs = new()
    {
        ['0'] = [7, 5, 5, 5, 7], ['1'] = [2, 6, 2, 2, 7], ['2'] = [7, 1, 7, 4, 7], ['3'] = [7, 1, 7, 1, 7],
        ['4'] = [5, 5, 7, 1, 1], ['5'] = [7, 4, 7, 1, 7], ['6'] = [7, 4, 7, 5, 7], ['7'] = [7, 1, 1, 2, 2],
        ['8'] = [7, 5, 7, 5, 7], ['9'] = [7, 5, 7, 1, 7], ['.'] = [0, 0, 0, 0, 2], ['-'] = [0, 0, 7, 0, 0],
        ['+'] = [0, 2, 7, 2, 0], ['E'] = [7, 4, 6, 4, 7], [' '] = [0, 0, 0, 0, 0],
    };

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/> (one blank column between glyphs).</summary>
    public static int TextWidth(string text, int scale) => text.Length == 0 ? 0 : (text.Length * (Width + 1) - 1) * scale;

    /// <summary>
    /// Draws <paramref name="text"/> into the planar RGB buffer <paramref name="rgb"/> ([3, height, width] bytes) with its
    /// top-left corner at (<paramref name="top"/>, <paramref name="left"/>); pixels outside the buffer are skipped.
    /// Characters without a glyph are drawn blank.
    /// </summary>
    public static void Draw(byte[] rgb, int height, int width, string text, int top, int left, int scale, (byte R, byte G, byte B) colour)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!s_glyphs.TryGetValue(char.ToUpperInvariant(text[i]), out var rows)) continue;
            var x0 = left + i * (Width + 1) * scale;
            for (var r = 0; r < Height; r++)
                for (var c = 0; c < Width; c++)
                {
                    if ((rows[r] & (1 << (Width - 1 - c))) == 0) continue;
                    for (var dy = 0; dy < scale; dy++)
                        for (var dx = 0; dx < scale; dx++)
                        {
                            var (y, x) = (top + r * scale + dy, x0 + c * scale + dx);
                            if (y < 0 || y >= height || x < 0 || x >= width) continue;
                            rgb[y * width + x] = colour.R;
                            rgb[height * width + y * width + x] = colour.G;
                            rgb[2 * height * width + y * width + x] = colour.B;
                        }
                }
        }
    }
}
