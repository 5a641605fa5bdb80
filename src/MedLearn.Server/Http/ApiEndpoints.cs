using System.Diagnostics;
using System.Globalization;
using MedLearn.Data.Datasets;
using MedLearn.Data.Readers;
using MedLearn.Explain;
using MedLearn.Methods.Segmentation;
using MedLearn.Server.Hosting;
using MedLearn.Server.Inference;
using MedLearn.Torch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MedLearn.Server.Http;

/// <summary>The JSON API under <c>/v1</c>: models, predict, explain, render (for the viewer), health and readiness.</summary>
internal static class ApiEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServiceState state)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/health", () => Results.Ok(new HealthResponse("ok", state.ModelNames, MedLearnInfo.Version)))
            .WithSummary("Liveness: the process answers.").Produces<HealthResponse>();
        v1.MapGet("/ready", () => state.Ready
                ? Results.Ok(new HealthResponse("ready", state.ModelNames, MedLearnInfo.Version))
                : Results.Json(new HealthResponse("not-ready", state.ModelNames, MedLearnInfo.Version), statusCode: 503))
            .WithSummary("Readiness: every model is loaded and warmed up, and the service is not shutting down.")
            .Produces<HealthResponse>().Produces<HealthResponse>(503);
        v1.MapGet("/models", () => Results.Ok(new ModelList([.. state.Catalog.Models.Select(m => m.Card)])))
            .WithSummary("The served models with their model cards.").Produces<ModelList>();
        v1.MapGet("/models/{name}", (string name) => Results.Ok(state.Catalog.Get(name).Card))
            .WithSummary("One model's card: architecture, classes, input, training run and held-out metrics.").Produces(200).Produces(404);
        v1.MapPost("/models/{name}/predict", (string name, HttpContext context) => PredictAsync(state, state.Catalog.Get(name), context))
            .WithSummary("Classify one image (PNG, JPEG, 16-bit PNG, TIFF, DICOM or NIfTI; sent as the body or a multipart file; the format is read from the content). Query: top=K. A segmentation model answers with a SegmentResponse (label mask as NIfTI, per-label volumes) instead.")
            .Produces<PredictResponse>()
            .Produces(400).Produces(401).Produces(404).Produces(413).Produces(422).Produces(429);
        v1.MapPost("/models/{name}/explain", (string name, HttpContext context) => ExplainAsync(state, state.Catalog.Get(name), context))
            .WithSummary("Heat map of one image: method=gradcam (default), gradcam++ or occlusion; class=NAME (default: the predicted class); layer=NAME; window, stride (occlusion); steps (deletion curve, default 0). A GMIC model: method=gmic-saliency (its own saliency map and retrieved patches, in boxes).")
            .Produces<ExplainResponse>()
            .Produces(400).Produces(401).Produces(404).Produces(413).Produces(422).Produces(429);
        v1.MapPost("/render", (Func<HttpContext, Task<IResult>>)(context => RenderAsync(state, context)))
            .WithSummary("Decode an image for display (float samples, window, slices); used by the web viewer.")
            .Produces<ImageRendition>()
            .Produces(400).Produces(401).Produces(413).Produces(422);
    }

    private static async Task<IResult> PredictAsync(ServiceState state, ServedModel model, HttpContext context)
    {
        if (model.Kind == ServedKind.Segmentation) return await SegmentAsync(state, model, context);
        var top = IntQuery(context, "top", 0, 0, model.Classes.Count);
        var clock = Stopwatch.StartNew();
        using var upload = await UploadFile.ReadAsync(context.Request, state.UploadFolder, state.Options.MaxUploadBytes, context.RequestAborted);
        var received = clock.Elapsed.TotalMilliseconds;
        var input = await Task.Run(() =>
        {
            // Many requests preprocess at once on thread-pool threads: each runs its ops on its own thread only (no OpenMP
            // team per thread), leaving the cores' intra-op pool to the model's executor.
            torch.SetThreadNumThreads(1);
            return Preprocess(state, model, upload);
        }, context.RequestAborted);
        var preprocessed = clock.Elapsed.TotalMilliseconds;
        var result = await model.Batcher!.EnqueueAsync(input, context.RequestAborted);
        var classes = model.Classes;
        var probabilities = classes.Select((c, i) => new ClassProbability(c, result.Probabilities[i])).ToList();
        var ranked = probabilities.Select((p, i) => (p, i)).OrderByDescending(x => x.p.Probability).ThenBy(x => x.i).Select(x => x.p).ToList();
        return Results.Ok(new PredictResponse(model.Name, ranked[0].Name, ranked[0].Probability, probabilities, top > 0 ? ranked.Take(top).ToList() : ranked,
            new PredictTiming(received, preprocessed - received, result.QueueSeconds * 1000, result.ForwardSeconds * 1000, clock.Elapsed.TotalMilliseconds, result.BatchSize)));
    }

    /// <summary>Segments an uploaded volume with the run's sliding window (the path of <c>medlearn segment predict</c>).</summary>
    private static async Task<IResult> SegmentAsync(ServiceState state, ServedModel model, HttpContext context)
    {
        using var upload = await UploadFile.ReadAsync(context.Request, state.UploadFolder, state.Options.MaxUploadBytes, context.RequestAborted);
        var response = await model.WithExplainSlotAsync(() => Guarded(upload, () =>
        {
            var clock = Stopwatch.StartNew();
            using var scope = DisposeScope.Open();
            using var image = ImageReader.Read(upload.Path, state.ReadOptions);
            var network = model.Segmenter;
            if (image.Meta.SpatialDims != 3)
                throw new ApiException(422, "not_a_volume", $"the upload is a 2-D image; model '{model.Name}' segments volumes (NIfTI or DICOM)");
            if (image.Data.Size(0) != network.InChannels)
                throw new ApiException(422, "wrong_channels", $"the volume has {image.Data.Size(0)} channels; model '{model.Name}' takes {network.InChannels}");
            var prediction = VolumeSegmenter.Predict(x => network.Forward(x), image.Data, model.Window);
            var file = Path.Combine(state.UploadFolder, Guid.NewGuid().ToString("N") + ".nii.gz");
            byte[] nifti;
            try
            {
                VolumeSegmenter.Write(prediction, image.Meta with { SourcePath = null }, file);
                nifti = File.ReadAllBytes(file);
            }
            finally
            {
                File.Delete(file);
            }
            var counts = new long[network.Classes];
            foreach (var label in prediction.Labels.Contiguous().ToArray<byte>()) counts[label]++;
            var voxelMl = image.Meta.Spacing.Aggregate(1.0, (a, b) => a * b) / 1000;
            return new SegmentResponse(model.Name, [.. image.Data.Shape[1..]], image.Meta.Spacing,
                [.. counts.Select((n, label) => new LabelVolume(label, n, n * voxelMl))], Convert.ToBase64String(nifti), clock.Elapsed.TotalSeconds);
        }), context.RequestAborted);
        return Results.Ok(response);
    }

    /// <summary>GMIC's own explanation: the saliency map of the requested (or most probable) output and the retrieved patches.</summary>
    private static async Task<IResult> ExplainGmicAsync(ServiceState state, ServedModel model, HttpContext context)
    {
        var query = context.Request.Query;
        var method = query["method"].FirstOrDefault() ?? "gmic-saliency";
        if (method != "gmic-saliency")
            throw new ApiException(400, "bad_parameter", "method: a GMIC model explains itself with method=gmic-saliency (its saliency map and retrieved patches)");
        var className = query["class"].FirstOrDefault();
        if (className is not null && !model.Classes.Contains(className))
            throw new ApiException(400, "unknown_class", $"class: the model's outputs are {string.Join(", ", model.Classes)}");
        using var upload = await UploadFile.ReadAsync(context.Request, state.UploadFolder, state.Options.MaxUploadBytes, context.RequestAborted);
        var response = await model.WithExplainSlotAsync(() =>
        {
            var clock = Stopwatch.StartNew();
            using var scope = DisposeScope.Open();
            var (h, w) = SourceSize(state, upload);
            var input = Preprocess(state, model, upload);
            var result = model.Gmic.Predict(input);
            var target = className is null ? result.TopOutput : model.Classes.ToList().IndexOf(className);
            var cells = result.GridHeight * result.GridWidth;
            var values = result.GridSaliency.AsSpan(target * cells, cells).ToArray();
            var display = Methods.Gmic.GmicExplainer.Display(input);
            var overlay = Methods.Gmic.GmicExplainer.SaliencyOverlayPng(display, result.SaliencyAtInput().Select(0, target));
            var boxes = Methods.Gmic.GmicExplainer.BoxesPng(display, result.Boxes);
            var top = result.TopOutput;
            return new ExplainResponse(model.Name, method, null, result.Outputs[top], result.Probabilities[top], result.Outputs[target], result.Probabilities[target],
                [.. result.Outputs.Select((c, i) => new ClassProbability(c, result.Probabilities[i]))],
                new HeatMap(result.GridHeight, result.GridWidth, values.Length == 0 ? 0 : values.Min(), values.Length == 0 ? 0 : values.Max(), values, new ImageRegion(0, 0, h, w)),
                values.All(v => v == 0), null, Convert.ToBase64String(overlay), clock.Elapsed.TotalSeconds,
                [.. result.Boxes.Select(b => new PatchBox(b.Rank, b.Row, b.Column, b.Height, b.Width, b.Attention))], Convert.ToBase64String(boxes));
        }, context.RequestAborted);
        return Results.Ok(response);
    }

    private static async Task<IResult> ExplainAsync(ServiceState state, ServedModel model, HttpContext context)
    {
        if (model.Kind == ServedKind.Gmic) return await ExplainGmicAsync(state, model, context);
        if (model.Kind == ServedKind.Segmentation)
            throw new ApiException(400, "not_supported", $"model '{model.Name}' is a segmentation model: POST a volume to /v1/models/{model.Name}/predict for its label map");
        var query = context.Request.Query;
        var method = ExplainMethods.TryParse(query["method"].FirstOrDefault() ?? "gradcam")
            ?? throw new ApiException(400, "bad_parameter", $"method: use one of {string.Join(", ", ExplainMethods.Names)}");
        var className = query["class"].FirstOrDefault();
        if (className is not null && !model.Manifest.Classes.Contains(className))
            throw new ApiException(400, "unknown_class", $"class: the model's classes are {string.Join(", ", model.Manifest.Classes)}");
        var size = model.Manifest.ImageSize;
        var window = IntQuery(context, "window", Math.Max(1, size / 4), 1, size);
        var stride = IntQuery(context, "stride", Math.Max(1, window / 2), 1, size);
        var settings = new ExplanationSettings
        {
            Method = method,
            ClassName = className,
            Layer = query["layer"].FirstOrDefault(),
            DeletionSteps = IntQuery(context, "steps", 0, 0, 100),
            Occlusion = new OcclusionOptions { Window = [window], Stride = [stride], Fill = OcclusionFill.Mean, BatchSize = 16 },
        };
        using var upload = await UploadFile.ReadAsync(context.Request, state.UploadFolder, state.Options.MaxUploadBytes, context.RequestAborted);
        var (explanation, probabilities, sourceHeight, sourceWidth) = await model.WithExplainSlotAsync(() =>
        {
            using var scope = DisposeScope.Open();
            var (h, w) = SourceSize(state, upload);
            var input = Preprocess(state, model, upload);
            try
            {
                var all = Torch.Nn.Functional.Softmax(model.Explainer.Inference.Forward(input.Unsqueeze(0)), 1).ToArray<float>();
                return (model.Explainer.Explain(input, "upload", settings, cancellation: context.RequestAborted), all, h, w);
            }
            catch (ArgumentException e)
            {
                throw new ApiException(400, "bad_parameter", e.Message);
            }
        }, context.RequestAborted);
        var classes = model.Manifest.Classes;
        return Results.Ok(new ExplainResponse(model.Name, explanation.Method, explanation.Layer, explanation.PredictedClass, explanation.PredictedProbability,
            explanation.TargetClass, explanation.TargetProbability, [.. classes.Select((c, i) => new ClassProbability(c, probabilities[i]))],
            new HeatMap(explanation.MapHeight, explanation.MapWidth, explanation.MapMin, explanation.MapMax, explanation.MapValues,
                CropRegion(sourceHeight, sourceWidth, model.Manifest.ResizeSize, model.Manifest.ImageSize)),
            explanation.AllZero, explanation.DeletionAuc, Convert.ToBase64String(explanation.OverlayPng), explanation.Seconds));
    }

    private static async Task<IResult> RenderAsync(ServiceState state, HttpContext context)
    {
        using var upload = await UploadFile.ReadAsync(context.Request, state.UploadFolder, state.Options.MaxUploadBytes, context.RequestAborted);
        return Results.Ok(await Task.Run(() =>
        {
            torch.SetThreadNumThreads(1);
            return Guarded(upload, () => ImageRendition.Create(upload.Path, state.ReadOptions));
        }, context.RequestAborted));
    }

    /// <summary>
    /// The region of a <paramref name="height"/> x <paramref name="width"/> image that Resize(shorter side =
    /// <paramref name="resize"/>) + CenterCrop(<paramref name="crop"/>) keeps, in the image's pixels.
    /// </summary>
    internal static ImageRegion CropRegion(long height, long width, int resize, int crop)
    {
        var scale = (double)resize / Math.Min(height, width);
        double h = Math.Round(height * scale), w = Math.Round(width * scale);
        if (height <= width) h = resize; else w = resize;
        return new ImageRegion((h - crop) / 2 / (h / height), (w - crop) / 2 / (w / width), crop / (h / height), crop / (w / width));
    }

    private static (long Height, long Width) SourceSize(ServiceState state, UploadFile upload) => Guarded(upload, () =>
    {
        using var image = ImageReader.Read(upload.Path, state.ReadOptions);
        return (image.Data.Size(-2), image.Data.Size(-1));
    });

    /// <summary>Reads and preprocesses the upload for <paramref name="model"/> (its evaluation transform), refusing volumes.</summary>
    private static Tensor Preprocess(ServiceState state, ServedModel model, UploadFile upload) => Guarded(upload, () =>
    {
        // The intermediates of reading and transforming are freed here, not left to the finalizer (native memory would
        // grow between garbage collections); the result goes to the caller's scope, or to the caller when there is none.
        using var scope = DisposeScope.Open();
        try
        {
            return scope.MoveToOuter(model.Kind == ServedKind.Gmic
                ? model.Gmic.Preprocess(upload.Path, state.ReadOptions)
                : model.Explainer.Preprocess(upload.Path, state.ReadOptions));
        }
        catch (NotSupportedException e)
        {
            throw new ApiException(422, "not_a_2d_image", $"{Clean(e.Message, upload)}; model '{model.Name}' classifies 2-D images");
        }
    });

    /// <summary>Runs <paramref name="work"/> on the upload, turning read and preprocessing errors into 4xx errors that never name server paths.</summary>
    private static T Guarded<T>(UploadFile upload, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (ImageReadException e)
        {
            var reason = Clean(e.Reason, upload);
            throw e.Reason.Contains("too large", StringComparison.Ordinal)
                ? new ApiException(413, "image_too_large", $"upload: {reason.Replace("(ImageReadOptions.MaxPixels)", "(serve --max-pixels)", StringComparison.Ordinal)}")
                : new ApiException(422, "image_unreadable", $"the upload is not a readable image: {reason}");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or DatasetException or TorchException or ArgumentException)
        {
            throw new ApiException(422, "image_unreadable", $"the upload cannot be used by this model: {Clean(e.Message, upload)}");
        }
    }

    private static string Clean(string message, UploadFile upload) => message.Replace(upload.Path, "upload", StringComparison.Ordinal)
        .Replace(Path.GetDirectoryName(upload.Path)!, "uploads", StringComparison.Ordinal);

    private static int IntQuery(HttpContext context, string name, int fallback, int min, int max)
    {
        var text = context.Request.Query[name].FirstOrDefault();
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new ApiException(400, "bad_parameter", $"{name}: an integer from {min} to {max}");
        return value;
    }
}
