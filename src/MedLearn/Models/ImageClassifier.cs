using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// Base of the torchvision-compatible classifiers: a feature extractor ending in a pooled feature vector and a
/// linear head registered under <see cref="HeadName"/> (torchvision's "fc" or "classifier"), so torchvision
/// state dicts load by name. Named intermediate activations are available through <see cref="ForwardWithActivations"/>.
/// </summary>
public abstract class ImageClassifier : Module<Tensor, Tensor>, IActivationModel
{
    /// <summary>Name of the linear head in the state dict ("fc" for ResNet, "classifier" for DenseNet).</summary>
    public abstract string HeadName { get; }

    /// <summary>Name of the first convolution (the one that sees the input channels), e.g. "conv1" or "features.conv0".</summary>
    public abstract string FirstConvName { get; }

    /// <summary>Length of the pooled feature vector that feeds the head.</summary>
    public abstract long FeatureDim { get; }

    /// <summary>Number of input channels of the first convolution.</summary>
    public long InChannels => ((Conv2d)GetSubmodule(FirstConvName)).InChannels;

    /// <summary>Number of classes (outputs of the head).</summary>
    public long NumClasses => ((Linear)GetSubmodule(HeadName)).OutFeatures;

    /// <summary>The pooled, flattened feature vector [N, <see cref="FeatureDim"/>] the head is applied to.</summary>
    public Tensor ForwardFeatures(Tensor input) => ForwardFeatures(input, null);

    /// <summary>
    /// The feature vector of <see cref="ForwardFeatures(Tensor)"/>, passing the intermediate tensors named in
    /// <see cref="ActivationNames"/> through <paramref name="capture"/> when it is not null.
    /// </summary>
    protected internal abstract Tensor ForwardFeatures(Tensor input, ActivationCapture? capture);

    /// <summary>Images: 2 spatial dimensions.</summary>
    public int SpatialDims => 2;

    /// <inheritdoc/>
    public abstract IReadOnlyList<string> ActivationNames { get; }

    /// <summary>The logits and the requested named activations of one forward pass (see <see cref="IActivationModel"/>).</summary>
    /// <exception cref="ArgumentException">An unknown name (the message lists <see cref="ActivationNames"/>).</exception>
    public ActivationOutputs ForwardWithActivations(Tensor input, IReadOnlyCollection<string> names)
    {
        var capture = new ActivationCapture(ActivationNames, names, TypeName);
        var logits = ForwardHead(ForwardFeatures(input, capture));
        return new ActivationOutputs(logits, capture.Activations);
    }

    /// <summary>
    /// Applies the head to a feature vector from <see cref="ForwardFeatures(Tensor)"/>: the linear <see cref="HeadName"/>,
    /// after the dropout torchvision puts in front of it for architectures that have one (training only).
    /// </summary>
    public virtual Tensor ForwardHead(Tensor features) => ((Linear)GetSubmodule(HeadName)).Forward(features);

    /// <summary>
    /// Every linear layer whose outputs are the classes: <see cref="HeadName"/>, plus auxiliary heads (Inception-v3's
    /// <c>AuxLogits.fc</c>). All are replaced by <see cref="ReplaceHead"/> and re-initialised on import when their shape differs.
    /// </summary>
    public virtual IReadOnlyList<string> HeadNames => [HeadName];

    /// <summary>The pooled features and the logits of one forward pass.</summary>
    public (Tensor Features, Tensor Logits) ForwardWithFeatures(Tensor input)
    {
        var features = ForwardFeatures(input);
        return (features, ForwardHead(features));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => ForwardHead(ForwardFeatures(input));

    /// <summary>
    /// Replaces the head by a freshly initialised <c>Linear(FeatureDim, classes)</c> (the old one is disposed);
    /// every other parameter is unchanged.
    /// </summary>
    public void ReplaceHead(long classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        foreach (var name in HeadNames)
        {
            var head = new Linear(((Linear)GetSubmodule(name)).InFeatures, classes);
            InitHead(name, head);
            head.Train(Training);
            var dot = name.LastIndexOf('.');
            var parent = dot < 0 ? this : GetSubmodule(name[..dot]);
            var child = name[(dot + 1)..];
            if (parent is Sequential sequential)
            {
                // A Sequential keeps its own layer list: replace through its indexer so its forward sees the new head.
                var index = sequential.NamedChildren().Select(c => c.Name).ToList().IndexOf(child);
                sequential[index] = head;
            }
            else parent.ReplaceModule(child, head);
        }
    }

    /// <summary>Initialises a new head like the torchvision model does (default: torch.nn's Linear init).</summary>
    protected virtual void InitHead(Linear head) { }

    /// <summary>Initialises the new head <paramref name="name"/> (one of <see cref="HeadNames"/>); default <see cref="InitHead(Linear)"/>.</summary>
    protected virtual void InitHead(string name, Linear head) => InitHead(head);

    /// <summary>
    /// Loads a state dict by name; when this model has one input channel and the dict's first-conv weight has
    /// three, the RGB filters are summed first (<see cref="ModelWeights.SumInputChannels"/>; another channel count gets the sum
    /// spread evenly, <see cref="ModelWeights.SpreadInputChannels"/>).
    /// </summary>
    public StateDictLoadResult LoadStateDictAdapted(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        using var scope = DisposeScope.Open();
        return LoadStateDict(AdaptImportedStateDict(ModelWeights.AdaptInputChannels(stateDict, FirstConvName + ".weight", InChannels), []), strict);
    }

    /// <summary>
    /// Adapts an imported state dict to this instance's geometry before it is loaded (e.g. a ViT position embedding
    /// made for another input size); adds one line per adaptation to <paramref name="notes"/>. Default: unchanged.
    /// Tensors made here belong to the caller's dispose scope.
    /// </summary>
    protected internal virtual OrderedDictionary<string, Tensor> AdaptImportedStateDict(OrderedDictionary<string, Tensor> stateDict, List<string> notes) => stateDict;
}
