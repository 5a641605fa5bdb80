using Google.Protobuf;

namespace MedLearn.Runs;

/// <summary>
/// Writes scalar summaries to a TensorBoard event file <c>events.out.tfevents.&lt;unix-seconds&gt;.&lt;hostname&gt;</c>
/// (a <c>.N</c> suffix is added if that name exists) in TFRecord framing. The first record is an Event with
/// <c>file_version = "brain.Event:2"</c>; then each <see cref="AddScalar"/>/<see cref="AddScalars"/> call writes one
/// Event and flushes it to the operating system, so TensorBoard (and a killed run) sees every step written.
/// <para>
/// Wire format (field numbers of tensorflow/core/util/event.proto and framework/summary.proto):
/// <c>Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }</c>,
/// <c>Summary { repeated Value value = 1; }</c>, <c>Summary.Value { string tag = 1; float simple_value = 2; }</c>;
/// wall_time is seconds since the Unix epoch; values are stored as float (TensorBoard's simple_value); a zero step
/// is omitted, as proto3 serialisers do. Thread-safe.
/// </para>
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    /// <summary>The file_version of the first event.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly FileStream _stream;
    private readonly TimeProvider _clock;
    private readonly object _lock = new();
    private bool _disposed;

    /// <summary>Creates the folder if needed and a new event file in it, and writes the file_version event.</summary>
    /// <param name="directory">The log folder (for a run: <see cref="RunDirectory.TensorBoardDir"/>).</param>
    /// <param name="clock">Time source for wall_time and the file name (default: the system clock).</param>
    public TensorBoardWriter(string directory, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _clock = clock ?? TimeProvider.System;
        var dir = Path.GetFullPath(directory);
        Directory.CreateDirectory(dir);
        var now = _clock.GetUtcNow();
        var baseName = $"events.out.tfevents.{now.ToUnixTimeSeconds()}.{HostName()}";
        for (var n = 1; ; n++)
        {
            var path = Path.Combine(dir, n == 1 ? baseName : $"{baseName}.{n}");
            try
            {
                _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                FilePath = path;
                break;
            }
            catch (IOException) when (File.Exists(path) && n < 1000) { }
        }
        Write(Encode(WallTime(now), 0, FileVersion, []));
    }

    /// <summary>Absolute path of the event file.</summary>
    public string FilePath { get; }

    /// <summary>Writes one scalar (stored as float) for <paramref name="step"/> and flushes.</summary>
    public void AddScalar(string tag, double value, long step) => AddScalars(step, [new KeyValuePair<string, double>(tag, value)]);

    /// <summary>Writes several scalars (stored as float) as one event for <paramref name="step"/> and flushes.</summary>
    /// <exception cref="ArgumentException">A tag is null or empty.</exception>
    public void AddScalars(long step, IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.Select(kv => (kv.Key, (float)kv.Value)).ToList();
        if (list.Any(v => string.IsNullOrEmpty(v.Key))) throw new ArgumentException("TensorBoard tags must not be empty", nameof(values));
        Write(Encode(WallTime(_clock.GetUtcNow()), step, null, list));
    }

    /// <summary>Closes the file (idempotent).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _stream.Dispose();
        }
    }

    private void Write(byte[] data)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            TfRecord.Write(_stream, data);
            _stream.Flush();
        }
    }

    private static double WallTime(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    private static string HostName()
    {
        var name = Environment.MachineName;
        var invalid = Path.GetInvalidFileNameChars();
        return string.Concat(name.Select(c => invalid.Contains(c) ? '_' : c));
    }

    /// <summary>Serialises an Event: wall_time, step (when non-zero), file_version (when given), summary (when values are given).</summary>
    internal static byte[] Encode(double wallTime, long step, string? fileVersion, IReadOnlyList<(string Tag, float Value)> values)
    {
        const int valueField = 1, tagField = 1, simpleValueField = 2;
        var valueSizes = new int[values.Count];
        var summarySize = 0;
        for (var i = 0; i < values.Count; i++)
        {
            valueSizes[i] = CodedOutputStream.ComputeTagSize(tagField) + CodedOutputStream.ComputeStringSize(values[i].Tag)
                + CodedOutputStream.ComputeTagSize(simpleValueField) + CodedOutputStream.ComputeFloatSize(values[i].Value);
            summarySize += CodedOutputStream.ComputeTagSize(valueField) + CodedOutputStream.ComputeLengthSize(valueSizes[i]) + valueSizes[i];
        }
        var size = CodedOutputStream.ComputeTagSize(1) + CodedOutputStream.ComputeDoubleSize(wallTime);
        if (step != 0) size += CodedOutputStream.ComputeTagSize(2) + CodedOutputStream.ComputeInt64Size(step);
        if (fileVersion is not null) size += CodedOutputStream.ComputeTagSize(3) + CodedOutputStream.ComputeStringSize(fileVersion);
        if (values.Count > 0) size += CodedOutputStream.ComputeTagSize(5) + CodedOutputStream.ComputeLengthSize(summarySize) + summarySize;

        var buffer = new byte[size];
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.Fixed64);
        output.WriteDouble(wallTime);
        if (step != 0)
        {
            output.WriteTag(2, WireFormat.WireType.Varint);
            output.WriteInt64(step);
        }
        if (fileVersion is not null)
        {
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteString(fileVersion);
        }
        if (values.Count > 0)
        {
            output.WriteTag(5, WireFormat.WireType.LengthDelimited);
            output.WriteLength(summarySize);
            for (var i = 0; i < values.Count; i++)
            {
                output.WriteTag(valueField, WireFormat.WireType.LengthDelimited);
                output.WriteLength(valueSizes[i]);
                output.WriteTag(tagField, WireFormat.WireType.LengthDelimited);
                output.WriteString(values[i].Tag);
                output.WriteTag(simpleValueField, WireFormat.WireType.Fixed32);
                output.WriteFloat(values[i].Value);
            }
        }
        output.Flush();
        output.CheckNoSpaceLeft();
        return buffer;
    }
}
