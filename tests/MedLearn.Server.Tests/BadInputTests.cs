using System.Net;
using System.Text.Json;

namespace MedLearn.Server.Tests;

/// <summary>
/// Every bad request is a 4xx problem document whose code and detail say what was wrong, and the service answers the
/// next good request.
/// </summary>
[Collection(ServedRunCollection.Name)]
public sealed class BadInputTests(TrainedRunFixture run)
{
    public static TheoryData<string, string, int, string, string> Cases() => new()
    {
        // name, url, status, code, words the detail must contain
        { "text", "/v1/models/tiny/predict", 422, "image_unreadable", "not a readable image" },
        { "truncated", "/v1/models/tiny/predict", 422, "image_unreadable", "not a readable image" },
        { "huge_header.png", "/v1/models/tiny/predict", 413, "image_too_large", "10000000000 pixels" },
        { "marked_no_pixels.dcm", "/v1/models/tiny/predict", 422, "image_unreadable", "pixel data" },
        { "volume.nii.gz", "/v1/models/tiny/predict", 422, "not_a_2d_image", "volume" },
        { "a0.png", "/v1/models/nope/predict", 404, "unknown_model", "served models: tiny" },
        { "a0.png", "/v1/models/..%2F..%2Fetc/predict", 404, "unknown_model", "(invalid name)" },
        { "empty", "/v1/models/tiny/predict", 400, "empty_upload", "empty body" },
        { "a0.png", "/v1/models/tiny/explain?method=lime", 400, "bad_parameter", "gradcam" },
        { "a0.png", "/v1/models/tiny/explain?class=zebra", 400, "unknown_class", "a, b" },
        { "a0.png", "/v1/models/tiny/explain?method=gradcam&layer=nolayer", 400, "bad_parameter", "nolayer" },
        { "a0.png", "/v1/models/tiny/predict?top=7", 400, "bad_parameter", "top" },
        { "big", "/v1/models/tiny/predict", 413, "upload_too_large", "limit of 65536 bytes" },
        { "big-multipart", "/v1/models/tiny/predict", 413, "upload_too_large", "limit of 65536 bytes" },
        { "a0.png", "/v2/models", 404, "not_found", "/v1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RefusedWithAProblemDocumentAndTheServiceKeepsServing(string input, string url, int status, string code, string words)
    {
        await using var service = await TestService.StartAsync(run.Run, o => o with { MaxUploadBytes = 64 << 10 });
        var good = File.ReadAllBytes(Path.Combine(run.Data, "a", "a0.png"));
        var body = input switch
        {
            "text" => "patient,label\nx.png,1\n"u8.ToArray(),
            "truncated" => good[..(good.Length / 2)],
            "empty" => [],
            "big" or "big-multipart" => new byte[100_000],
            "a0.png" => good,
            _ => File.ReadAllBytes(TrainedRunFixture.Input(input)),
        };
        var (actual, problem, response) = url.StartsWith("/v2", StringComparison.Ordinal)
            ? await GetAsync(service.Client, url)
            : await ApiTests.PostAsync(service.Client, url, body, multipart: input == "big-multipart");
        Assert.True((int)actual == status, $"{(int)actual}: {problem}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(words, detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Path.GetTempPath(), detail, StringComparison.Ordinal); // never a server path

        var (next, answer, _) = await ApiTests.PostAsync(service.Client, "/v1/models/tiny/predict", good);
        Assert.True(next == HttpStatusCode.OK, answer.ToString());
    }

    private static async Task<(HttpStatusCode, JsonElement, HttpResponseMessage)> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone(), response);
    }
}
