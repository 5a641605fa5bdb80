using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

// Closed-loop load generator for bench/serve.sh: CLIENTS concurrent clients, each posting the image, waiting for the
// answer and posting again, for SECONDS after a WARMUP. A request fails unless it is 200 with a "predicted" class.
// Prints: RESULT server=... clients=... requests=... failed=... throughput=... p50_ms=... p95_ms=... p99_ms=... rss_mb=...
// (rss of --pid at the end, from /proc).
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
string Get(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
var url = Get("url", "http://127.0.0.1:8080/v1/models/bench/predict");
var image = File.ReadAllBytes(Get("image", "image.png"));
var clients = int.Parse(Get("clients", "1"), CultureInfo.InvariantCulture);
var seconds = double.Parse(Get("seconds", "20"), CultureInfo.InvariantCulture);
var warmup = double.Parse(Get("warmup", "3"), CultureInfo.InvariantCulture);
var maxRequests = long.Parse(Get("requests", "0"), CultureInfo.InvariantCulture);
var name = Get("server", "server");
var pid = Get("pid", "");

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 4, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
{ Timeout = TimeSpan.FromSeconds(120) };
var latencies = new List<double>[clients];
var failed = new long[clients];
long issued = 0;
var clock = Stopwatch.StartNew();
var measureFrom = warmup;
var stopAt = warmup + seconds;

async Task Client(int c)
{
    latencies[c] = [];
    while (true)
    {
        var started = clock.Elapsed.TotalSeconds;
        if (maxRequests > 0 ? Interlocked.Increment(ref issued) > maxRequests : started >= stopAt) return;
        var ok = false;
        try
        {
            using var content = new ByteArrayContent(image);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await http.PostAsync(url, content);
            var text = await response.Content.ReadAsStringAsync();
            ok = response.IsSuccessStatusCode && JsonDocument.Parse(text).RootElement.TryGetProperty("predicted", out _);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
        }
        var ended = clock.Elapsed.TotalSeconds;
        if (maxRequests > 0 || started >= measureFrom)
        {
            if (ok) latencies[c].Add((ended - started) * 1000);
            else failed[c]++;
        }
    }
}

if (maxRequests > 0) measureFrom = 0;
await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => Client(c))));
var elapsed = maxRequests > 0 ? clock.Elapsed.TotalSeconds : seconds;
var all = latencies.SelectMany(l => l).Order().ToArray();
double Q(double q) => all.Length == 0 ? double.NaN : all[Math.Clamp((int)Math.Ceiling(q * all.Length) - 1, 0, all.Length - 1)];
var rss = pid.Length > 0 && File.Exists($"/proc/{pid}/status")
    ? File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).FirstOrDefault()
    : double.NaN;
FormattableString line = $"RESULT server={name} clients={clients} requests={all.Length + failed.Sum()} failed={failed.Sum()} throughput={all.Length / elapsed:F2} p50_ms={Q(0.5):F1} p95_ms={Q(0.95):F1} p99_ms={Q(0.99):F1} rss_mb={rss:F0}";
Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
