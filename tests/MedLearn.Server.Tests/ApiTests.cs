using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MedLearn.Explain;
using MedLearn.Methods.Supervised;
using MedLearn.Torch.Amp;

namespace MedLearn.Server.Tests;

/// <summary>
/// The /v1 API on the in-process test server: models and their cards, predictions equal to <c>medlearn predict</c>'s for
/// every upload format, explanations equal to <c>medlearn explain</c>'s maps, health, readiness, metrics and the OpenAPI
/// document.
/// </summary>
[Collection(ServedRunCollection.Name)]
public sealed class ApiTests(TrainedRunFixture run)
{
    internal static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string url, byte[] body, bool multipart = false, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (multipart)
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(body);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "file", "scan.bin");
            request.Content = form;
        }
        else
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    internal static double[] Probabilities(JsonElement body) => [.. body.GetProperty("probabilities").EnumerateArray().Select(p => p.GetProperty("probability").GetDouble())];

    [Fact]
    public async Task ModelsListCarriesTheCardWithoutServerPaths()
    {
        await using var service = await TestService.StartAsync(run.Run);
        var text = await service.Client.GetStringAsync("/v1/models");
        var models = JsonDocument.Parse(text).RootElement.GetProperty("models");
        Assert.Equal(1, models.GetArrayLength());
        var card = models[0];
        Assert.Equal("tiny", card.GetProperty("name").GetString());
        Assert.Equal("small-cnn", card.GetProperty("architecture").GetString());
        Assert.Equal(["a", "b"], card.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(16, card.GetProperty("input").GetProperty("imageSize").GetInt32());
        // The held-out metrics of the run's metrics.json, as written by training.
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Run, "metrics.json")));
        var accuracy = metrics.RootElement.GetProperty("metrics").GetProperty("accuracy").GetDouble();
        Assert.Equal(accuracy, card.GetProperty("metrics").GetProperty("metrics").GetProperty("accuracy").GetDouble());
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), text, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Run, text, StringComparison.Ordinal);

        var one = JsonDocument.Parse(await service.Client.GetStringAsync("/v1/models/tiny")).RootElement;
        Assert.Equal("tiny", one.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("a0.png", false)]
    [InlineData("b1.png", true)]
    [InlineData("seed.png", false)]
    [InlineData("seed.jpg", true)]
    [InlineData("seed.tif", false)]
    [InlineData("slice.nii", false)]
    [InlineData("grey16.tif", true)]
    [InlineData("seed.dcm", true)]
    [InlineData("grey16.png", false)]
    [InlineData("marked.dcm", false)]
    public async Task PredictEqualsTheCommandLinePredictionForEveryFormat(string file, bool multipart)
    {
        var path = file.StartsWith('a') || file.StartsWith('b') ? Path.Combine(run.Data, file[..1], file) : TrainedRunFixture.Input(file);
        await using var service = await TestService.StartAsync(run.Run);
        // The content is sniffed: the upload has no name or extension.
        var (status, body, _) = await PostAsync(service.Client, "/v1/models/tiny/predict", File.ReadAllBytes(path), multipart);
        Assert.True(status == HttpStatusCode.OK, body.ToString());

        using var classifier = TrainedClassifier.Load(run.Run, Precision.Fp32);
        // A one-slice NIfTI is the 2-D image it holds (the command line has no 2-D NIfTI path): its PNG twin's answer.
        var expected = classifier.Predict([file == "slice.nii" ? TrainedRunFixture.Input("slice.png") : path])[0];
        var actual = Probabilities(body);
        Assert.Equal(2, actual.Length);
        for (var c = 0; c < 2; c++) Assert.Equal(expected.Probabilities[c], actual[c], 5);
        Assert.Equal(expected.ClassName, body.GetProperty("predicted").GetString());
        Assert.Equal(actual.Max(), body.GetProperty("probability").GetDouble(), 12);
        Assert.Equal(body.GetProperty("predicted").GetString(), body.GetProperty("top")[0].GetProperty("name").GetString());
        var timing = body.GetProperty("timing");
        Assert.Equal(1, timing.GetProperty("batchSize").GetInt32());
        Assert.True(timing.GetProperty("totalMs").GetDouble() >= timing.GetProperty("forwardMs").GetDouble());
    }

    [Theory]
    [InlineData("gradcam", null)]
    [InlineData("occlusion", "b")]
    public async Task ExplainReturnsTheMapOfTheExplainCommandAndAnOverlay(string method, string? className)
    {
        var path = Path.Combine(run.Data, "a", "a2.png");
        await using var service = await TestService.StartAsync(run.Run);
        var url = $"/v1/models/tiny/explain?method={method}&window=4&stride=2" + (className is null ? "" : $"&class={className}");
        var (status, body, _) = await PostAsync(service.Client, url, File.ReadAllBytes(path));
        Assert.True(status == HttpStatusCode.OK, body.ToString());

        using var explainer = RunExplainer.Load(run.Run, Precision.Fp32);
        var expected = explainer.Explain(path, new ExplanationSettings
        {
            Method = ExplainMethods.Parse(method),
            ClassName = className,
            DeletionSteps = 0,
            Occlusion = new OcclusionOptions { Window = [4], Stride = [2], Fill = OcclusionFill.Mean, BatchSize = 16 },
        });
        var map = body.GetProperty("map");
        Assert.Equal(16, map.GetProperty("height").GetInt32());
        Assert.Equal(16, map.GetProperty("width").GetInt32());
        var values = map.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(expected.MapValues.Length, values.Length);
        for (var i = 0; i < values.Length; i++) Assert.Equal(expected.MapValues[i], values[i], 4);
        Assert.Equal(values.Max(), map.GetProperty("max").GetDouble(), 4);
        Assert.Equal(expected.TargetClass, body.GetProperty("target").GetString());
        Assert.Equal(className ?? expected.PredictedClass, body.GetProperty("target").GetString());
        // The 20 px image, resized to 18 and centre-cropped to 16: the map covers rows/columns 1.11 .. 18.89.
        var region = map.GetProperty("region");
        Assert.Equal(20.0 / 18, region.GetProperty("top").GetDouble(), 6);
        Assert.Equal(16 * 20.0 / 18, region.GetProperty("width").GetDouble(), 6);
        var png = Convert.FromBase64String(body.GetProperty("overlayPng").GetString()!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(1.0, Probabilities(body).Sum(), 5);
    }

    [Fact]
    public async Task HealthReadinessMetricsAndOpenApi()
    {
        await using var service = await TestService.StartAsync(run.Run);
        var health = JsonDocument.Parse(await service.Client.GetStringAsync("/v1/health")).RootElement;
        Assert.Equal("ok", health.GetProperty("status").GetString());
        var ready = await service.Client.GetAsync("/v1/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"ready\"", await ready.Content.ReadAsStringAsync());

        var image = File.ReadAllBytes(Path.Combine(run.Data, "a", "a0.png"));
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await PostAsync(service.Client, "/v1/models/tiny/predict", image)).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await PostAsync(service.Client, "/v1/models/tiny/predict", "not an image"u8.ToArray())).Status);
        var metrics = await service.Client.GetStringAsync("/metrics");
        Assert.Contains("medlearn_http_requests_total{endpoint=\"/v1/models/{name}/predict\",status=\"200\"} 3", metrics);
        Assert.Contains("medlearn_http_requests_total{endpoint=\"/v1/models/{name}/predict\",status=\"422\"} 1", metrics);
        Assert.Contains("medlearn_errors_total{code=\"image_unreadable\"} 1", metrics);
        Assert.Contains("medlearn_batch_size_sum{model=\"tiny\"} 3", metrics);
        Assert.Contains("medlearn_images_total{model=\"tiny\"} 3", metrics);
        Assert.Contains("medlearn_http_request_duration_seconds_bucket{endpoint=\"/v1/models/{name}/predict\",le=\"+Inf\"} 4", metrics);

        var openApi = JsonDocument.Parse(await service.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = openApi.GetProperty("paths");
        foreach (var p in new[] { "/v1/models", "/v1/models/{name}", "/v1/models/{name}/predict", "/v1/models/{name}/explain", "/v1/health", "/v1/ready", "/v1/render" })
            Assert.True(paths.TryGetProperty(p, out _), p);
    }

    [Fact]
    public async Task RenderGivesTheViewerRealUnitsAndTheDicomWindow()
    {
        await using var service = await TestService.StartAsync(run.Run);
        var (status, body, _) = await PostAsync(service.Client, "/v1/render", File.ReadAllBytes(TrainedRunFixture.Input("marked.dcm")));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(24, body.GetProperty("width").GetInt32());
        Assert.Equal(20, body.GetProperty("height").GetInt32());
        Assert.Equal(1, body.GetProperty("slices").GetInt32());
        Assert.Equal(40, body.GetProperty("windowCenter").GetDouble());
        Assert.Equal(400, body.GetProperty("windowWidth").GetDouble());
        // gen_serve.py: stored 800 + 40 x + 25 y, rescaled by intercept -1024.
        var bytes = Convert.FromBase64String(body.GetProperty("pixels").GetString()!);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        Assert.Equal(20 * 24, values.Length);
        Assert.Equal(800 - 1024 + 40 * 5 + 25 * 3, values[3 * 24 + 5]);
        Assert.Equal(800 - 1024, body.GetProperty("min").GetDouble());

        var (volumeStatus, volume, _) = await PostAsync(service.Client, "/v1/render", File.ReadAllBytes(TrainedRunFixture.Input("volume.nii.gz")));
        Assert.True(volumeStatus == HttpStatusCode.OK, volume.ToString());
        Assert.Equal(6, volume.GetProperty("slices").GetInt32());
        Assert.Equal(24, volume.GetProperty("width").GetInt32());
        Assert.Equal(20, volume.GetProperty("height").GetInt32());
    }
}
