using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// The network of method 1: backbone → ReLU → global average pooling → feature vector f → Dropout(p) → Linear(C),
/// returning both f and the logits (<see cref="ForwardFeaturesAndLogits"/>). It wraps a registry classifier
/// (<see cref="ModelRegistry"/>: DenseNet-121, ResNet-18/50, small-cnn) and registers the backbone's own children
/// under their own names, so its state dict is exactly torchvision's (<c>features.*</c>, <c>classifier.*</c> for
/// DenseNet; <c>conv1.*</c> ... <c>fc.*</c> for ResNet): ImageNet weights load into it, and its weights load into a
/// plain registry model for export (dropout has no parameters and is the identity in evaluation mode, so the plain
/// model computes the same logits at inference).
/// </summary>
/// <remarks>
/// f is the backbone's pooled feature vector (<see cref="ImageClassifier.ForwardFeatures(Tensor)"/>): for DenseNet it is
/// ReLU then pooling of the feature maps, exactly the method's definition; ResNet and small-cnn end in a ReLU already,
/// so the extra ReLU is the identity there. The dropout draws its mask from the default generator (seeded by the run,
/// saved in checkpoints). Modes are set on this module (<c>Train</c>/<c>Eval</c>), which reaches every layer.
/// </remarks>
public sealed class SemiSupervisedClassifier : ImageClassifier
{
    private readonly ImageClassifier _backbone;

    /// <summary>Wraps <paramref name="backbone"/> (whose layers this module now shares and disposes).</summary>
    /// <param name="backbone">A registry classifier; load pretrained weights into it before wrapping, or into this module.</param>
    /// <param name="dropout">Dropout probability before the head, in [0, 1).</param>
    /// <exception cref="ArgumentException">The backbone has parameters or buffers of its own outside its child modules.</exception>
    public SemiSupervisedClassifier(ImageClassifier backbone, double dropout = 0.2)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1)");
        if (backbone.NamedParameters(recurse: false).Any() || backbone.NamedBuffers(recurse: false).Any())
            throw new ArgumentException($"{backbone.TypeName} has parameters of its own outside its layers; it cannot be wrapped", nameof(backbone));
        _backbone = backbone;
        Dropout = dropout;
        foreach (var (name, child) in backbone.NamedChildren()) RegisterModule(name, child);
        Train(backbone.Training);
    }

    /// <summary>Creates the registry architecture <paramref name="architecture"/> and wraps it.</summary>
    public static SemiSupervisedClassifier Create(string architecture, long classes, long inChannels = 3, double dropout = 0.2, ModelOptions? modelOptions = null) =>
        new(ModelRegistry.Create(architecture, classes, inChannels, modelOptions), dropout);

    /// <summary>The wrapped registry classifier (its layers are this module's).</summary>
    public ImageClassifier Backbone => _backbone;

    /// <summary>Dropout probability applied to f before the head.</summary>
    public double Dropout { get; }

    /// <inheritdoc/>
    public override string TypeName => _backbone.TypeName;

    /// <inheritdoc/>
    public override string HeadName => _backbone.HeadName;

    /// <inheritdoc/>
    public override string FirstConvName => _backbone.FirstConvName;

    /// <inheritdoc/>
    public override long FeatureDim => _backbone.FeatureDim;

    /// <inheritdoc/>
    public override IReadOnlyList<string> ActivationNames => _backbone.ActivationNames;

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture) => _backbone.ForwardFeatures(input, capture);

    /// <summary>The feature vector f [N, FeatureDim] and the logits [N, C] (dropout on f before the head in training mode).</summary>
    /// <param name="input">Images [N, C, H, W].</param>
    /// <param name="featuresAfterDropout">
    /// Return f after the dropout (what the SRC-MT reference code feeds its relation loss) instead of before it (the
    /// paper's f, default). The logits are the same either way.
    /// </param>
    public (Tensor Features, Tensor Logits) ForwardFeaturesAndLogits(Tensor input, bool featuresAfterDropout = false)
    {
        var features = ForwardFeatures(input);
        var dropped = Dropout > 0 ? Functional.Dropout(features, Dropout, Training) : features;
        return (featuresAfterDropout ? dropped : features, ForwardHead(dropped));
    }

    /// <summary>The logits (dropout active in training mode).</summary>
    public override Tensor Forward(Tensor input) => ForwardFeaturesAndLogits(input).Logits;
}
