using System.Text.RegularExpressions;
using MedLearn.Server.Hosting;
using MedLearn.Server.Http;

namespace MedLearn.Server.Inference;

/// <summary>The served models by name. Clients address models only by these names, never by a path.</summary>
internal sealed partial class ModelCatalog : IDisposable
{
    private readonly Dictionary<string, ServedModel> _models;

    private ModelCatalog(Dictionary<string, ServedModel> models) => _models = models;

    /// <summary>The models, in the order given.</summary>
    public IReadOnlyList<ServedModel> Models => [.. _models.Values];

    /// <summary>Loads every model of <paramref name="options"/>; on a failure frees those loaded and rethrows.</summary>
    /// <exception cref="ArgumentException">No model, a bad or repeated name.</exception>
    /// <exception cref="InvalidDataException">A run cannot be served.</exception>
    public static ModelCatalog Load(ServeOptions options, ServerMetrics metrics, IProgress<string>? progress = null)
    {
        if (options.Models.Count == 0) throw new ArgumentException("--run: give at least one run folder to serve");
        var models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        try
        {
            foreach (var source in options.Models)
            {
                if (!ValidName().IsMatch(source.Name))
                    throw new ArgumentException($"model name '{source.Name}': use letters, digits, '.', '_' or '-' (1-64 characters; give one with --run NAME=FOLDER)");
                if (models.ContainsKey(source.Name))
                    throw new ArgumentException($"model name '{source.Name}' is given twice; name the runs with --run NAME=FOLDER");
                progress?.Report($"loading {source.Name} from {source.RunDirectory}");
                models[source.Name] = ServedModel.Load(source, options, metrics);
            }
            return new ModelCatalog(models);
        }
        catch
        {
            foreach (var m in models.Values) m.Dispose();
            throw;
        }
    }

    /// <summary>The model called <paramref name="name"/>.</summary>
    /// <exception cref="ApiException">404 naming the models that exist.</exception>
    public ServedModel Get(string name) => _models.TryGetValue(name, out var model)
        ? model
        : throw new ApiException(404, "unknown_model",
            $"no model named '{(ValidName().IsMatch(name) ? name : "(invalid name)")}'; served models: {string.Join(", ", _models.Keys)}");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    internal static partial Regex ValidName();

    public void Dispose()
    {
        foreach (var m in _models.Values) m.Dispose();
    }
}
