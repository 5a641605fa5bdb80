using Microsoft.AspNetCore.Http;

namespace MedLearn.Server.Http;

/// <summary>
/// One uploaded image, spooled to a file of its own in the service's private upload folder (the readers decode files:
/// DICOM and TIFF through the native shim) and deleted on <see cref="Dispose"/>. The client's file name is never used:
/// the format is sniffed from the content by the readers, and a name could carry a patient's identity.
/// </summary>
internal sealed class UploadFile : IDisposable
{
    private UploadFile(string path, long length)
    {
        Path = path;
        Length = length;
    }

    /// <summary>The spooled file (random name, no extension).</summary>
    public string Path { get; }

    /// <summary>Bytes received.</summary>
    public long Length { get; }

    /// <summary>
    /// Reads the request body: a raw body (any content type but form types) or the first file of a
    /// <c>multipart/form-data</c> form, refusing more than <paramref name="maxBytes"/> (413, checked from
    /// Content-Length first and then while reading) and an empty upload (400).
    /// </summary>
    public static async Task<UploadFile> ReadAsync(HttpRequest request, string folder, long maxBytes, CancellationToken cancellation)
    {
        if (request.ContentLength is { } declared && declared > maxBytes) throw TooLarge(declared, maxBytes);
        Stream source = request.Body;
        // Only a multipart form is a form: any other content type (curl's default form encoding included) is the image itself.
        if ((request.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellation).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                throw new ApiException(e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) ? 413 : 400, "bad_form", $"malformed multipart form: {e.Message}");
            }
            var file = form.Files.Count > 0 ? form.Files[0] : throw new ApiException(400, "no_file", "the multipart form holds no file (send the image in a file field, e.g. 'file')");
            if (file.Length > maxBytes) throw TooLarge(file.Length, maxBytes);
            source = file.OpenReadStream();
        }
        var path = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N"));
        long total = 0;
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var target = new FileStream(path, create))
            {
                var buffer = new byte[81920];
                int n;
                while ((n = await source.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
                {
                    total += n;
                    if (total > maxBytes) throw TooLarge(total, maxBytes);
                    await target.WriteAsync(buffer.AsMemory(0, n), cancellation).ConfigureAwait(false);
                }
            }
            if (total == 0) throw new ApiException(400, "empty_upload", "the request has no image (empty body)");
            return new UploadFile(path, total);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static ApiException TooLarge(long bytes, long limit) =>
        new(413, "upload_too_large", $"the upload is larger than the limit of {limit} bytes (got {(bytes > limit ? $"at least {bytes}" : bytes.ToString(System.Globalization.CultureInfo.InvariantCulture))}); see --max-upload-mb");

    public void Dispose()
    {
        try { File.Delete(Path); }
        catch (IOException) { /* already gone */ }
    }
}
