using MedLearn.Data.Readers;
using MedLearn.Server.Inference;

namespace MedLearn.Server.Hosting;

/// <summary>What the endpoints share: the settings, the models, the read limits, the private upload folder, readiness.</summary>
internal sealed class ServiceState(ServeOptions options, ModelCatalog catalog, ServerMetrics metrics, string uploadFolder)
{
    public ServeOptions Options { get; } = options;
    public ModelCatalog Catalog { get; } = catalog;
    public ServerMetrics Metrics { get; } = metrics;

    /// <summary>Where uploads are spooled (mode 0700, removed when the service stops).</summary>
    public string UploadFolder { get; } = uploadFolder;

    /// <summary>The readers' limits for uploads (<see cref="ServeOptions.MaxPixels"/>, <see cref="ServeOptions.MaxDecodedBytes"/>).</summary>
    public ImageReadOptions ReadOptions { get; } = new() { MaxPixels = options.MaxPixels, MaxDecodedBytes = options.MaxDecodedBytes };

    public IReadOnlyList<string> ModelNames { get; } = [.. catalog.Models.Select(m => m.Name)];

    /// <summary>True once started, false again when stopping.</summary>
    public volatile bool Ready;
}
