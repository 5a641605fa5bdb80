using System.Text.Json;
using MedLearn.Runs;
using MedLearn.Tests.Datasets;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Runs;

public class TensorBoardWriterTests
{
    [Fact]
    public void Crc32CMatchesTheStandardCheckValueAndTheMaskFormula()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
        // 32 zero bytes: RFC 3720 (iSCSI) test vector.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        var crc = 0xE3069283u;
        Assert.Equal(unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u), Crc32C.Mask(crc));
    }

    [Fact]
    public void EventFileDecodesIndependentlyWithPythonProtobuf()
    {
        using var dir = new TempDir();
        var clock = new FixedClock(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567));
        var written = new List<(long Step, double WallTime, (string Tag, double Value)[] Values)>();
        string file;
        using (var tb = new TensorBoardWriter(dir["tb"], clock))
        {
            file = tb.FilePath;
            var start = clock.Now;
            for (var step = 0; step < 4; step++)
            {
                clock.Now = start.AddSeconds(1.5 * step + 0.25);
                var values = new[] { ("loss/train", 1.0 / (step + 1)), ("loss/val", step == 2 ? double.NaN : 0.7 - step * 0.1), ("lr", 1e-3 * Math.Pow(0.5, step)) };
                tb.AddScalars(step, values.Select(v => new KeyValuePair<string, double>(v.Item1, v.Item2)));
                written.Add((step, Seconds(clock.Now), values));
            }
            clock.Now = start.AddSeconds(100);
            tb.AddScalar("métrique/ü", double.NegativeInfinity, long.MaxValue);
            written.Add((long.MaxValue, Seconds(clock.Now), [("métrique/ü", double.NegativeInfinity)]));
            tb.AddScalar("big-step-negative", 3.25, -5);
            written.Add((-5, Seconds(clock.Now), [("big-step-negative", 3.25)]));
        }
        Assert.Equal($"events.out.tfevents.{new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).ToUnixTimeSeconds()}.{Environment.MachineName}", Path.GetFileName(file));

        var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/check_tfevents.py"), null, file);
        if (code != 0 && stderr.Contains("No module named 'google"))
            Assert.Fail($"{PythonOracle.Python} has no protobuf: install Debian's python3-protobuf");
        Assert.True(code == 0, stderr + stdout);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(0xE3069283u, json.RootElement.GetProperty("crc_check").GetUInt32());
        var events = json.RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(1 + written.Count, events.Count);
        Assert.Equal("file_version", events[0].GetProperty("what").GetString());
        Assert.Equal("brain.Event:2", events[0].GetProperty("file_version").GetString());
        Assert.Equal(0, events[0].GetProperty("step").GetInt64());
        Assert.Equal(Bits(Seconds(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567))), events[0].GetProperty("wall_time_bits").GetUInt64());
        for (var i = 0; i < written.Count; i++)
        {
            var e = events[i + 1];
            var w = written[i];
            Assert.Equal("summary", e.GetProperty("what").GetString());
            Assert.Equal(w.Step, e.GetProperty("step").GetInt64());
            Assert.Equal(Bits(w.WallTime), e.GetProperty("wall_time_bits").GetUInt64());
            var values = e.GetProperty("values").EnumerateArray().ToList();
            Assert.Equal(w.Values.Select(v => v.Tag), values.Select(v => v.GetProperty("tag").GetString()));
            Assert.Equal(w.Values.Select(v => BitConverter.SingleToUInt32Bits((float)v.Value)), values.Select(v => v.GetProperty("bits").GetUInt32()));
        }
    }

    [Fact]
    public void EachStepIsFlushedBeforeDisposeAndDisposeIsIdempotent()
    {
        using var dir = new TempDir();
        var tb = new TensorBoardWriter(dir.Path, new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
        var afterHeader = new FileInfo(tb.FilePath).Length;
        Assert.True(afterHeader > 16);
        tb.AddScalar("x", 1, 1);
        var afterOne = new FileInfo(tb.FilePath).Length;
        Assert.True(afterOne > afterHeader);
        // Readable by another reader while open.
        using (var s = new FileStream(tb.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            Assert.Equal(afterOne, s.Length);
        tb.Dispose();
        tb.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tb.AddScalar("x", 2, 2));
    }

    [Fact]
    public void ASecondWriterInTheSameSecondGetsItsOwnFile()
    {
        using var dir = new TempDir();
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var a = new TensorBoardWriter(dir.Path, clock);
        using var b = new TensorBoardWriter(dir.Path, clock);
        Assert.NotEqual(a.FilePath, b.FilePath);
        Assert.Equal(a.FilePath + ".2", b.FilePath);
    }

    [Fact]
    public void EmptyTagsAreRejected()
    {
        using var dir = new TempDir();
        using var tb = new TensorBoardWriter(dir.Path);
        Assert.Throws<ArgumentException>(() => tb.AddScalar("", 1, 1));
    }

    private static double Seconds(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    private static ulong Bits(double d) => BitConverter.DoubleToUInt64Bits(d);
}
