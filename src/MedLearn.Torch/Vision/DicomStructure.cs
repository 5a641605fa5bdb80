using System.Buffers.Binary;
using System.IO.Compression;

namespace MedLearn.Torch.Vision;

/// <summary>
/// Managed structural check of a DICOM file, run before GDCM sees it: Debian's GDCM 3.0 is built with assertions,
/// and a file truncated inside its data elements aborts the whole process instead of failing.
/// </summary>
/// <remarks>
/// <para>Checks the preamble + "DICM" (or a preamble-less file starting with group 0002 or 0008), the File Meta
/// group (explicit VR little endian; TransferSyntaxUID (0002,0010) read), then walks every data element of the
/// dataset in its transfer syntax (explicit VR little endian, implicit VR little endian, explicit VR big endian,
/// deflated explicit VR little endian inflated first): defined lengths must fit in the remaining bytes; undefined
/// lengths (sequences, UN sequences, encapsulated pixel data) are walked item by item and must end with their
/// delimiter before the end of the file. Native (uncompressed) pixel data must hold at least
/// rows x columns x frames x samples x bits allocated / 8 bytes.</para>
/// <para>Element headers are read exactly as GDCM reads them: a VR this walk does not know (e.g. "DC") has two
/// reserved bytes and a 4-byte length (PS3.5 7.1.2), so the walk and GDCM never disagree on where elements
/// are. Zero bytes after the top-level pixel data are padding and end the dataset. YBR_FULL_422 native pixel data
/// holds 2 samples per pixel on disk.</para>
/// <para>Resource limits (<see cref="DicomLimits"/>): the image size declared by the top-level Rows, Columns,
/// NumberOfFrames, SamplesPerPixel and BitsAllocated is checked before GDCM allocates anything, and a deflated
/// dataset is inflated only up to the byte limit.</para>
/// <para>Reasons name tags, offsets and lengths only, never element values. Nesting is bounded by
/// <see cref="MaxDepth"/>; nothing is allocated from a declared length.</para>
/// </remarks>
public static class DicomStructure
{
    /// <summary>Deepest nesting of sequences accepted.</summary>
    public const int MaxDepth = 64;


    private const string ImplicitLE = "1.2.840.10008.1.2";
    private const string ExplicitLE = "1.2.840.10008.1.2.1";
    private const string Deflated = "1.2.840.10008.1.2.1.99";
    private const string ExplicitBE = "1.2.840.10008.1.2.2";
    private const uint Undefined = 0xFFFFFFFF;
    private const uint ItemTag = 0xFFFEE000, ItemDelimiter = 0xFFFEE00D, SequenceDelimiter = 0xFFFEE0DD;
    private const uint PixelDataTag = 0x7FE00010;

    /// <summary>Reads <paramref name="path"/> into memory and checks it (see <see cref="Validate(ReadOnlySpan{byte})"/>).</summary>
    /// <exception cref="DicomReadException">The file cannot be read or is not structurally valid DICOM.</exception>
    public static void ValidateFile(string path) => ValidateFile(path, DicomLimits.Default);

    /// <summary>Reads <paramref name="path"/> into memory and checks it against <paramref name="limits"/>.</summary>
    /// <exception cref="DicomReadException">The file cannot be read, is not structurally valid DICOM or exceeds a limit.</exception>
    public static void ValidateFile(string path, DicomLimits limits)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > Array.MaxLength)
                throw new DicomReadException(DicomErrorKind.Unsupported,
                    $"files larger than {Array.MaxLength} bytes are not supported ({length} bytes)") { Path = path };
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException and not DicomReadException or UnauthorizedAccessException)
        {
            throw new DicomReadException(DicomErrorKind.Unreadable, $"cannot read the file ({e.GetType().Name})", e) { Path = path };
        }
        try
        {
            Validate(bytes, limits);
        }
        catch (DicomReadException e)
        {
            throw new DicomReadException(e.Kind, e.Message, e.InnerException) { Path = path };
        }
    }

    /// <summary>
    /// Checks the structure of a whole DICOM file held in memory; throws <see cref="DicomReadException"/> (kind
    /// <see cref="DicomErrorKind.Unreadable"/> for header/dataset problems, <see cref="DicomErrorKind.DecodeFailed"/>
    /// for pixel data problems) with a reason naming tags, offsets and lengths, never values.
    /// </summary>
    /// <returns>The transfer syntax UID the dataset was walked with (declared in the File Meta group, or guessed
    /// for files without one).</returns>
    public static string Validate(ReadOnlySpan<byte> file) => Validate(file, DicomLimits.Default);

    /// <inheritdoc cref="Validate(ReadOnlySpan{byte})"/>
    /// <param name="file">The whole file.</param>
    /// <param name="limits">Largest image accepted (pixels, decoded bytes); also bounds the inflated dataset.</param>
    public static string Validate(ReadOnlySpan<byte> file, DicomLimits limits)
    {
        int pos;
        if (file.Length >= 132 && file[128] == 'D' && file[129] == 'I' && file[130] == 'C' && file[131] == 'M')
            pos = 132;
        else if (file.Length >= 2 && (file[0] == 0x02 || file[0] == 0x08) && file[1] == 0 || file.Length >= 2 && file[0] == 0 && file[1] == 0x08)
            pos = 0;
        else
            throw Bad("not a DICOM file (no \"DICM\" marker at offset 128, and it does not start with group 0002 or 0008)");

        string? ts = null;
        if (file.Length - pos >= 2 && BinaryPrimitives.ReadUInt16LittleEndian(file[pos..]) == 0x0002)
            pos = WalkMeta(file, pos, out ts);
        if (pos == file.Length) throw Bad($"truncated: the file ends after the File Meta group (offset {pos}), the dataset is missing");

        var data = file[pos..];
        var ts0 = ts ?? "";
        if (ts0 == Deflated)
        {
            var inflated = Inflate(data, pos, limits.MaxDecodedBytes);
            var walker = new Walker(true, false, true, 0, limits);
            walker.WalkDataset(inflated, 0, inflated.Length, 0, false, 0);
            return ts0;
        }
        var syntax = ts0 switch
        {
            ImplicitLE => new Syntax(false, false),
            ExplicitBE => new Syntax(true, true),
            "" => Guess(data),
            _ => new Syntax(true, false),
        };
        // GDCM also reads files whose dataset does not match the declared VR encoding: follow the bytes.
        if (ts0.Length > 0 && data.Length >= 8 && syntax.Explicit != LooksExplicit(data, syntax.BigEndian))
            syntax = syntax with { Explicit = !syntax.Explicit };
        var native = ts0 is "" or ImplicitLE or ExplicitLE or ExplicitBE;
        new Walker(syntax.Explicit, syntax.BigEndian, native, pos, limits).WalkDataset(data, 0, data.Length, 0, false, 0);
        return ts0.Length > 0 ? ts0 : syntax.Explicit ? syntax.BigEndian ? ExplicitBE : ExplicitLE : ImplicitLE;
    }

    private readonly record struct Syntax(bool Explicit, bool BigEndian);

    private static Syntax Guess(ReadOnlySpan<byte> data)
    {
        var be = data.Length >= 2 && data[0] == 0 && data[1] != 0;
        return new Syntax(data.Length >= 8 && LooksExplicit(data, be), be);
    }

    private static bool LooksExplicit(ReadOnlySpan<byte> element, bool bigEndian) =>
        element.Length >= 6 && IsKnownVr(element[4], element[5]);

    private static int WalkMeta(ReadOnlySpan<byte> file, int pos, out string? ts)
    {
        ts = null;
        // The File Meta group is explicit VR little endian; a few writers use implicit VR: follow the bytes.
        var isExplicit = LooksExplicit(file[pos..], false);
        while (file.Length - pos >= 2 && BinaryPrimitives.ReadUInt16LittleEndian(file[pos..]) == 0x0002)
        {
            if (file.Length - pos < 8)
                throw Bad($"truncated: the File Meta group ends inside an element header at offset {pos} ({file.Length - pos} bytes remain)");
            var tag = ReadTag(file, pos, false);
            var (header, length) = ElementHeader(file, pos, isExplicit, false, tag);
            if (length == Undefined) throw Bad($"File Meta element {Tag(tag)} has an undefined length");
            var value = pos + header;
            if (length > (uint)(file.Length - value)) throw Truncated(tag, length, file.Length - value);
            if (tag == 0x00020010)
                ts = System.Text.Encoding.ASCII.GetString(file.Slice(value, (int)length)).TrimEnd('\0', ' ');
            pos = value + (int)length;
        }
        return pos;
    }

    private static byte[] Inflate(ReadOnlySpan<byte> deflated, int offset, long maxBytes)
    {
        // The deflate stream must be complete: .NET returns a short read, without error, at a cut.
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        unsafe
        {
            fixed (byte* p = deflated)
            {
                using var input = new UnmanagedMemoryStream(p, deflated.Length);
                try
                {
                    using var inflater = new DeflateStream(input, CompressionMode.Decompress);
                    int n;
                    while ((n = inflater.Read(buffer)) > 0)
                    {
                        if (output.Length + n > maxBytes)
                            throw new DicomReadException(DicomErrorKind.Unsupported,
                                $"the deflated dataset inflates to more than {maxBytes} bytes (ImageReadOptions.MaxDecodedBytes); refused while inflating");
                        output.Write(buffer, 0, n);
                    }
                }
                catch (InvalidDataException e)
                {
                    throw new DicomReadException(DicomErrorKind.Unreadable,
                        $"corrupt or truncated deflated dataset (starting at offset {offset})", e);
                }
            }
        }
        return output.ToArray();
    }

    private static uint ReadTag(ReadOnlySpan<byte> d, int pos, bool bigEndian) =>
        bigEndian
            ? (uint)BinaryPrimitives.ReadUInt16BigEndian(d[pos..]) << 16 | BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 2)..])
            : (uint)BinaryPrimitives.ReadUInt16LittleEndian(d[pos..]) << 16 | BinaryPrimitives.ReadUInt16LittleEndian(d[(pos + 2)..]);

    private static uint ReadU32(ReadOnlySpan<byte> d, int pos, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(d[pos..]) : BinaryPrimitives.ReadUInt32LittleEndian(d[pos..]);

    private static bool IsUpper(byte b) => b is >= (byte)'A' and <= (byte)'Z';

    private static bool IsLongVr(byte a, byte b) => (a, b) switch
    {
        ((byte)'O', (byte)'B' or (byte)'D' or (byte)'F' or (byte)'L' or (byte)'V' or (byte)'W') => true,
        ((byte)'S', (byte)'Q' or (byte)'V') => true,
        ((byte)'U', (byte)'C' or (byte)'N' or (byte)'R' or (byte)'T' or (byte)'V') => true,
        _ => false,
    };

    private static bool IsKnownVr(byte a, byte b) => IsLongVr(a, b) || (a, b) switch
    {
        ((byte)'A', (byte)'E' or (byte)'S' or (byte)'T') => true,
        ((byte)'C', (byte)'S') => true,
        ((byte)'D', (byte)'A' or (byte)'S' or (byte)'T') => true,
        ((byte)'F', (byte)'L' or (byte)'D') => true,
        ((byte)'I', (byte)'S') => true,
        ((byte)'L', (byte)'O' or (byte)'T') => true,
        ((byte)'P', (byte)'N') => true,
        ((byte)'S', (byte)'H' or (byte)'L' or (byte)'S' or (byte)'T') => true,
        ((byte)'T', (byte)'M') => true,
        ((byte)'U', (byte)'I' or (byte)'L' or (byte)'S') => true,
        _ => false,
    };

    /// <summary>Header size and value length of the element at <paramref name="pos"/> (8 header bytes known to be there).</summary>
    private static (int Header, uint Length) ElementHeader(ReadOnlySpan<byte> d, int pos, bool isExplicit, bool bigEndian, uint tag)
    {
        if (d.Length - pos < 8) throw Bad($"truncated: the header of element {Tag(tag)} at offset {pos} is cut ({d.Length - pos} bytes remain)");
        if (!isExplicit || tag >> 16 == 0xFFFE) return (8, ReadU32(d, pos + 4, bigEndian));
        byte a = d[pos + 4], b = d[pos + 5];
        if (IsLongVr(a, b))
        {
            if (d.Length - pos < 12) throw Bad($"truncated: the header of element {Tag(tag)} at offset {pos} is cut ({d.Length - pos} bytes remain)");
            return (12, ReadU32(d, pos + 8, bigEndian));
        }
        if (!IsUpper(a) || !IsUpper(b)) throw Bad($"element {Tag(tag)} at offset {pos} has an invalid VR (bytes 0x{a:X2} 0x{b:X2})");
        if (!IsKnownVr(a, b))
        {
            // GDCM reads a VR it does not know with 2 reserved bytes and a 4-byte length: so must we.
            if (d.Length - pos < 12) throw Bad($"truncated: the header of element {Tag(tag)} at offset {pos} is cut ({d.Length - pos} bytes remain)");
            return (12, ReadU32(d, pos + 8, bigEndian));
        }
        return (8, bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 6)..]) : BinaryPrimitives.ReadUInt16LittleEndian(d[(pos + 6)..]));
    }

    /// <summary>
    /// VR and value multiplicity of the attributes GDCM's image reader parses with typed (asserting) accessors:
    /// Debian's GDCM is built with assertions, so a wrong VR or count there would abort the process.
    /// </summary>
    private static readonly Dictionary<uint, (string Vr, int Vm)> s_imageAttributes = new()
    {
        [0x00020010] = ("UI", 0), [0x00080016] = ("UI", 0), [0x00080060] = ("CS", 0),
        [0x00180050] = ("DS", 1), [0x00180088] = ("DS", 1), [0x00181164] = ("DS", 2),
        [0x0020000D] = ("UI", 0), [0x0020000E] = ("UI", 0), [0x00200013] = ("IS", 1),
        [0x00200032] = ("DS", 3), [0x00200037] = ("DS", 6),
        [0x00280002] = ("US", 1), [0x00280004] = ("CS", 0), [0x00280006] = ("US", 1), [0x00280008] = ("IS", 1),
        [0x00280010] = ("US", 1), [0x00280011] = ("US", 1), [0x00280030] = ("DS", 2),
        [0x00280100] = ("US", 1), [0x00280101] = ("US", 1), [0x00280102] = ("US", 1), [0x00280103] = ("US", 1),
        [0x00281052] = ("DS", 1), [0x00281053] = ("DS", 1),
        [0x3004000C] = ("DS", 0), [0x3004000E] = ("DS", 1),
    };

    /// <summary>
    /// Rejects an image attribute whose explicit VR differs from the standard's (UN is accepted), a binary value
    /// of the wrong size, or a fixed-multiplicity string attribute with another number of values. Messages name
    /// the tag only, never the value.
    /// </summary>
    private static void CheckImageAttribute(uint tag, (byte A, byte B) vr, ReadOnlySpan<byte> value, bool isExplicit, long offset)
    {
        if (!s_imageAttributes.TryGetValue(tag, out var expected)) return;
        var actual = isExplicit ? $"{(char)vr.A}{(char)vr.B}" : expected.Vr;
        if (actual == "UN") return;
        if (actual != expected.Vr)
            throw Bad($"element {Tag(tag)} at offset {offset} has VR {actual} where the standard requires {expected.Vr}");
        if (expected.Vr == "US")
        {
            if (value.Length != 2 * expected.Vm)
                throw Bad($"element {Tag(tag)} at offset {offset} holds {value.Length} bytes; a {expected.Vm}-valued US needs {2 * expected.Vm}");
            return;
        }
        if (expected.Vm > 0 && value.Length > 0)
        {
            var count = value.Count((byte)'\\') + 1;
            if (count != expected.Vm)
                throw Bad($"element {Tag(tag)} at offset {offset} has {count} values where the standard requires {expected.Vm}");
        }
    }

    private static string Tag(uint tag) => $"({tag >> 16:X4},{tag & 0xFFFF:X4})";

    private static DicomReadException Bad(string reason) => new(DicomErrorKind.Unreadable, reason);

    private static DicomReadException Truncated(uint tag, long declared, long remain) =>
        new(tag == PixelDataTag ? DicomErrorKind.DecodeFailed : DicomErrorKind.Unreadable,
            $"truncated: element {Tag(tag)} declares {declared} bytes but only {remain} remain");

    /// <summary>Image attributes of one dataset level, for the native pixel data length check.</summary>
    private struct ImageAttributes
    {
        public long Rows, Columns, Frames, Samples, BitsAllocated;
        public bool Ybr422;
    }

    private readonly struct Walker(bool isExplicit, bool bigEndian, bool native, int baseOffset, DicomLimits limits)
    {
        /// <summary>
        /// Walks the elements of a dataset in <c>[pos, end)</c>; with <paramref name="untilDelimiter"/> (an item of
        /// undefined length) the walk stops after an item delimiter (FFFE,E00D), which must come before
        /// <paramref name="end"/>. Returns the position after the dataset.
        /// </summary>
        public int WalkDataset(ReadOnlySpan<byte> d, int pos, int end, int depth, bool untilDelimiter, uint owner)
        {
            if (depth > MaxDepth) throw Bad($"sequences nested deeper than {MaxDepth} levels (at offset {baseOffset + pos})");
            var image = new ImageAttributes { Rows = -1, Columns = -1, Frames = 1, Samples = 1, BitsAllocated = -1 };
            var scope = d[..end];
            var pixelDataSeen = false;
            while (pos < end)
            {
                // zero bytes after the top-level pixel data (and any trailing elements) are padding, as for GDCM and pydicom
                if (pixelDataSeen && !scope[pos..].ContainsAnyExcept((byte)0)) return end;
                if (end - pos < 8)
                    throw Bad($"truncated: {end - pos} bytes at offset {baseOffset + pos} are too short for an element header");
                var tag = ReadTag(scope, pos, bigEndian);
                if (tag == ItemDelimiter)
                {
                    if (!untilDelimiter) throw Bad($"unexpected item delimiter (FFFE,E00D) at offset {baseOffset + pos}");
                    return pos + 8;
                }
                if (tag == ItemTag || tag == SequenceDelimiter)
                    throw Bad($"unexpected {Tag(tag)} at offset {baseOffset + pos} inside a dataset");
                pixelDataSeen |= tag == PixelDataTag && depth == 0;
                var (header, length) = ElementHeader(scope, pos, isExplicit, bigEndian, tag);
                var value = pos + header;
                if (length == Undefined)
                {
                    if (tag == PixelDataTag && depth == 0) CheckLimits(image);
                    pos = WalkUndefined(scope, tag, pos, value, end, depth);
                    continue;
                }
                if (length > (uint)(end - value)) throw Truncated(tag, length, end - value);
                var len = (int)length;
                var vr = isExplicit ? (scope[pos + 4], scope[pos + 5]) : ((byte)0, (byte)0);
                CheckImageAttribute(tag, vr, scope.Slice(value, len), isExplicit, baseOffset + pos);
                if (vr == ((byte)'S', (byte)'Q'))
                    WalkItems(scope[..(value + len)], tag, value, depth + 1, false);
                else
                    Record(ref image, tag, scope.Slice(value, len));
                if (tag == PixelDataTag && depth == 0) CheckLimits(image);
                if (tag == PixelDataTag && native && image.Rows >= 0 && image.Columns >= 0 && image.BitsAllocated >= 0)
                {
                    var storedSamples = image.Ybr422 ? 2 : image.Samples;
                    var need = ((Int128)image.Rows * image.Columns * image.Frames * storedSamples * image.BitsAllocated + 7) / 8;
                    if (len < need)
                        throw new DicomReadException(DicomErrorKind.DecodeFailed,
                            $"truncated: native pixel data {Tag(tag)} holds {len} bytes but rows x columns x frames x samples x bits allocated need {need}");
                }
                pos = value + len;
            }
            if (untilDelimiter)
                throw Bad($"truncated: an item of undefined length in {Tag(owner)} has no item delimiter (FFFE,E00D) before the end of the file");
            return pos;
        }

        private int WalkUndefined(ReadOnlySpan<byte> d, uint tag, int pos, int value, int end, int depth)
        {
            if (tag == PixelDataTag) return WalkFragments(d, value, end);

            if (!isExplicit) return WalkItems(d[..end], tag, value, depth + 1, true);
            byte a = d[pos + 4], b = d[pos + 5];
            if (a == 'S' && b == 'Q') return WalkItems(d[..end], tag, value, depth + 1, true);
            // UN of undefined length: a sequence encoded in implicit VR little endian.
            if (a == 'U' && b == 'N')
                return new Walker(false, false, native, baseOffset, limits).WalkItems(d[..end], tag, value, depth + 1, true);
            throw Bad($"element {Tag(tag)} at offset {baseOffset + pos} has an undefined length but VR {(char)a}{(char)b}");
        }

        /// <summary>Items of a sequence in <c>[pos, d.Length)</c>; returns the position after the sequence.</summary>
        private int WalkItems(ReadOnlySpan<byte> d, uint seq, int pos, int depth, bool undefinedLength)
        {
            if (depth > MaxDepth) throw Bad($"sequences nested deeper than {MaxDepth} levels (at offset {baseOffset + pos})");
            while (pos < d.Length)
            {
                if (d.Length - pos < 8)
                    throw Bad($"truncated: {d.Length - pos} bytes at offset {baseOffset + pos} in sequence {Tag(seq)} are too short for an item header");
                var tag = ReadTag(d, pos, bigEndian);
                var length = ReadU32(d, pos + 4, bigEndian);
                if (tag == SequenceDelimiter)
                {
                    if (!undefinedLength) throw Bad($"unexpected sequence delimiter in sequence {Tag(seq)} of defined length at offset {baseOffset + pos}");
                    return pos + 8;
                }
                if (tag != ItemTag) throw Bad($"expected an item (FFFE,E000) in sequence {Tag(seq)} at offset {baseOffset + pos}, found {Tag(tag)}");
                var start = pos + 8;
                if (length == Undefined)
                {
                    pos = WalkDataset(d, start, d.Length, depth + 1, true, seq);
                    continue;
                }
                if (length > (uint)(d.Length - start)) throw Truncated(tag, length, d.Length - start);
                WalkDataset(d, start, start + (int)length, depth + 1, false, seq);
                pos = start + (int)length;
            }
            if (undefinedLength)
                throw Bad($"truncated: sequence {Tag(seq)} has no sequence delimiter (FFFE,E0DD) before the end of the file");
            return pos;
        }

        /// <summary>Fragments of encapsulated pixel data; returns the position after the sequence delimiter.</summary>
        private int WalkFragments(ReadOnlySpan<byte> d, int pos, int end)
        {
            var count = 0;
            while (pos < end)
            {
                if (end - pos < 8)
                    throw new DicomReadException(DicomErrorKind.DecodeFailed,
                        $"truncated: encapsulated pixel data ends inside a fragment header at offset {baseOffset + pos}");
                var tag = ReadTag(d, pos, bigEndian);
                var length = ReadU32(d, pos + 4, bigEndian);
                if (tag == SequenceDelimiter) return pos + 8;
                if (tag != ItemTag)
                    throw new DicomReadException(DicomErrorKind.DecodeFailed,
                        $"expected a fragment (FFFE,E000) in encapsulated pixel data at offset {baseOffset + pos}, found {Tag(tag)}");
                if (length == Undefined || length > (uint)(end - pos - 8))
                    throw new DicomReadException(DicomErrorKind.DecodeFailed,
                        $"truncated: pixel data fragment {count} declares {(length == Undefined ? "an undefined length" : $"{length} bytes")} but only {end - pos - 8} remain");
                pos += 8 + (int)length;
                count++;
            }
            throw new DicomReadException(DicomErrorKind.DecodeFailed,
                $"truncated: encapsulated pixel data (7FE0,0010) has no sequence delimiter (FFFE,E0DD) before the end of the file ({count} fragments read)");
        }

        /// <summary>
        /// Refuses an image larger than the limits from its declared size alone: pixels = rows x columns x frames;
        /// decoded bytes = pixels x samples x the bytes of the returned sample type (1 for 1/8-bit, 4 for 16-bit as
        /// unsigned 16-bit becomes int32, 8 for 32/64-bit as unsigned 32-bit becomes int64).
        /// </summary>
        private void CheckLimits(in ImageAttributes image)
        {
            if (image.Rows < 0 || image.Columns < 0) return;
            var pixels = (Int128)image.Rows * image.Columns * Math.Max(1, image.Frames);
            var sampleBytes = image.BitsAllocated switch { <= 8 => 1, <= 16 => 4, _ => 8 };
            var bytes = pixels * Math.Max(1, image.Samples) * sampleBytes;
            if (pixels > limits.MaxPixels)
                throw new DicomReadException(DicomErrorKind.Unsupported,
                    $"image too large: {image.Rows} x {image.Columns} x {Math.Max(1, image.Frames)} frames = {pixels} pixels exceeds the limit of {limits.MaxPixels} (ImageReadOptions.MaxPixels)");
            if (bytes > limits.MaxDecodedBytes)
                throw new DicomReadException(DicomErrorKind.Unsupported,
                    $"image too large: decoding needs {bytes} bytes, over the limit of {limits.MaxDecodedBytes} (ImageReadOptions.MaxDecodedBytes)");
        }

        private void Record(ref ImageAttributes image, uint tag, ReadOnlySpan<byte> v)
        {
            switch (tag)
            {
                case 0x00280004: image.Ybr422 = v.TrimEnd((byte)' ').TrimEnd((byte)0).SequenceEqual("YBR_FULL_422"u8); break;
                case 0x00280010: image.Rows = US(v); break;
                case 0x00280011: image.Columns = US(v); break;
                case 0x00280002: image.Samples = US(v); break;
                case 0x00280100: image.BitsAllocated = US(v); break;
                case 0x00280008: image.Frames = IS(v); break;
            }
        }

        private long US(ReadOnlySpan<byte> v) =>
            v.Length < 2 ? -1 : bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(v) : BinaryPrimitives.ReadUInt16LittleEndian(v);

        private static long IS(ReadOnlySpan<byte> v)
        {
            long n = 0;
            var digits = 0;
            foreach (var c in v)
            {
                if (c is (byte)' ' or 0 or (byte)'+') { if (digits > 0) break; continue; }
                if (c is < (byte)'0' or > (byte)'9' || digits >= 9) return 1;
                n = n * 10 + (c - '0');
                digits++;
            }
            return digits == 0 ? 1 : n;
        }
    }
}
