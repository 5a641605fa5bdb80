using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MedLearn.Server.Hosting;

namespace MedLearn.Server.Tests;

/// <summary>
/// API key (bearer; required off loopback, refused start without one), DICOM patient identifiers never leaving the
/// service, HTTPS with a given certificate, and CORS off unless origins are named.
/// </summary>
[Collection(ServedRunCollection.Name)]
public sealed class SecurityTests(TrainedRunFixture run)
{
    private const string Key = "0123456789abcdef-test-key";

    [Fact]
    public async Task TheApiAndTheMetricsNeedTheKeyHealthDoesNot()
    {
        await using var service = await TestService.StartAsync(run.Run, o => o with { ApiKey = Key });
        var image = File.ReadAllBytes(Path.Combine(run.Data, "b", "b0.png"));
        var (missing, problem, response) = await ApiTests.PostAsync(service.Client, "/v1/models/tiny/predict", image);
        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Equal("missing_api_key", problem.GetProperty("code").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var (wrong, wrongProblem, _) = await ApiTests.PostAsync(service.Client, "/v1/models/tiny/predict", image, key: Key + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal("wrong_api_key", wrongProblem.GetProperty("code").GetString());
        Assert.DoesNotContain(Key, wrongProblem.ToString(), StringComparison.Ordinal);
        var (right, answer, _) = await ApiTests.PostAsync(service.Client, "/v1/models/tiny/predict", image, key: Key);
        Assert.True(right == HttpStatusCode.OK, answer.ToString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Client.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/v1/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/v1/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/")).StatusCode); // the viewer page asks for the key itself
    }

    [Theory]
    [InlineData("0.0.0.0", null, "API key is required")]
    [InlineData("::", null, "API key is required")]
    [InlineData("10.1.2.3", null, "API key is required")]
    [InlineData("127.0.0.1", "short", "too short")]
    [InlineData("example.org", Key, "IP address")]
    public void UnsafeSettingsRefuseToStart(string host, string? key, string words)
    {
        var e = Assert.Throws<ServeStartupException>(() => MedLearnService.Create(new ServeOptions { Models = [new ModelSource("tiny", run.Run)], Host = host, ApiKey = key }));
        Assert.Contains(words, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCommandRefusesAnOpenAddressWithoutAKey()
    {
        var previous = Environment.GetEnvironmentVariable("MEDLEARN_API_KEY");
        Environment.SetEnvironmentVariable("MEDLEARN_API_KEY", null);
        try
        {
            var output = new StringWriter();
            var original = Console.Out;
            Console.SetOut(output);
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(output), Ansi = Spectre.Console.AnsiSupport.No, ColorSystem = Spectre.Console.ColorSystemSupport.NoColors });
            int code;
            try
            {
                code = Cli.Program.Run(["serve", "--run", run.Run, "--host", "0.0.0.0", "--port", "0"]);
            }
            finally
            {
                Console.SetOut(original);
            }
            Assert.Equal(2, code);
            Assert.Contains("API key is required", output.ToString().Replace("\n", " "), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MEDLEARN_API_KEY", previous);
        }
    }

    [Fact]
    public async Task DicomPatientIdentifiersNeverLeaveTheService()
    {
        await using var service = await TestService.StartAsync(run.Run);
        var seen = new List<string>();
        foreach (var file in new[] { "marked.dcm", "marked_no_pixels.dcm" })
        {
            var bytes = File.ReadAllBytes(TrainedRunFixture.Input(file));
            Assert.Contains("MARKERSURNAME", System.Text.Encoding.ASCII.GetString(bytes), StringComparison.Ordinal); // the file does carry them
            foreach (var url in new[] { "/v1/models/tiny/predict", "/v1/models/tiny/explain?method=gradcam", "/v1/models/tiny/explain?method=occlusion&window=4&stride=4", "/v1/render" })
            {
                var (status, body, response) = await ApiTests.PostAsync(service.Client, url, bytes);
                seen.Add($"{url} {(int)status} {body} {response.Headers} {response.Content.Headers}");
                Assert.True(file == "marked.dcm" ? status == HttpStatusCode.OK : status == HttpStatusCode.UnprocessableEntity, $"{file} {url}: {body}");
            }
        }
        seen.Add(await service.Client.GetStringAsync("/metrics"));
        seen.Add(service.Log);
        Assert.Contains("/v1/models/{name}/predict", service.Log, StringComparison.Ordinal); // the log did record the requests
        var everything = string.Join("\n", seen);
        foreach (var marker in new[] { "MARKER", "7731", "19010203", "ACC991" })
            Assert.DoesNotContain(marker, everything, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HttpsWithTheGivenCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = Path.Combine(run.Scratch("https"), "server.pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "pw"));

        await using var service = MedLearnService.Create(new ServeOptions
        {
            Models = [new ModelSource("tiny", run.Run)], Port = 0, CertificatePath = pfx, CertificatePassword = "pw", Precision = "fp32",
        });
        await service.StartAsync();
        var address = service.Addresses.Single();
        Assert.StartsWith("https://127.0.0.1:", address, StringComparison.Ordinal);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint };
        using var client = new HttpClient(handler);
        var health = JsonDocument.Parse(await client.GetStringAsync(address + "/v1/health")).RootElement;
        Assert.Equal("ok", health.GetProperty("status").GetString());
        // Plain HTTP on the HTTPS port is not served.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => new HttpClient().GetStringAsync(address.Replace("https", "http", StringComparison.Ordinal) + "/v1/health"));
    }

    [Fact]
    public async Task CorsIsOffUnlessOriginsAreNamed()
    {
        static HttpRequestMessage Preflight()
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/v1/models/tiny/predict");
            request.Headers.Add("Origin", "https://pacs.example.org");
            request.Headers.Add("Access-Control-Request-Method", "POST");
            return request;
        }
        await using (var closed = await TestService.StartAsync(run.Run))
        {
            var response = await closed.Client.SendAsync(Preflight());
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
            using var get = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            get.Headers.Add("Origin", "https://pacs.example.org");
            Assert.False((await closed.Client.SendAsync(get)).Headers.Contains("Access-Control-Allow-Origin"));
        }
        await using var open = await TestService.StartAsync(run.Run, o => o with { CorsOrigins = ["https://pacs.example.org"] });
        var allowed = await open.Client.SendAsync(Preflight());
        Assert.Equal("https://pacs.example.org", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
