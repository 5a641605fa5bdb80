using System.Text;
using System.Text.Json;
using MedLearn.Torch.Profiler;

namespace MedLearn.Profiling;

/// <summary>
/// Writes profiler events in the Chrome trace-event JSON format (open in https://ui.perfetto.dev or chrome://tracing):
/// <c>{"traceEvents": [...], "displayTimeUnit": "ms"}</c> with one complete event (<c>"ph": "X"</c>) per visible
/// op event (<see cref="OpAggregation.Visible"/>): name, category <c>cpu_op</c>, <c>ts</c> = start relative to the
/// trace start and <c>dur</c> in microseconds (fractional: the events are in nanoseconds), <c>pid</c> 0, <c>tid</c> = libtorch's thread id, and the input shapes
/// under <c>args."Input Dims"</c> when they were recorded. Written atomically.
/// </summary>
public static class ChromeTraceWriter
{
    /// <summary>The trace JSON of <paramref name="events"/>; times relative to <paramref name="traceStartNanoseconds"/>.</summary>
    public static string ToJson(IEnumerable<ProfilerEvent> events, long traceStartNanoseconds)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("traceEvents");
            foreach (var e in OpAggregation.Visible(events))
            {
                json.WriteStartObject();
                json.WriteString("name", e.Name);
                json.WriteString("cat", "cpu_op");
                json.WriteString("ph", "X");
                json.WriteNumber("ts", (e.StartNanoseconds - traceStartNanoseconds) / 1e3);
                json.WriteNumber("dur", e.DurationNanoseconds / 1e3);
                json.WriteNumber("pid", 0);
                json.WriteNumber("tid", e.ThreadId);
                if (e.InputShapes.Count > 0)
                {
                    json.WriteStartObject("args");
                    json.WriteStartArray("Input Dims");
                    foreach (var shape in e.InputShapes)
                    {
                        json.WriteStartArray();
                        foreach (var d in shape) json.WriteNumberValue(d);
                        json.WriteEndArray();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("displayTimeUnit", "ms");
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes <see cref="ToJson"/> atomically to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<ProfilerEvent> events, long traceStartNanoseconds) =>
        AtomicText.Write(path, ToJson(events, traceStartNanoseconds));
}
