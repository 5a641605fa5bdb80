using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Explain;

/// <summary>
/// The named-activations API of the models: the output of <c>ForwardWithActivations</c> equals <c>Forward</c>, every
/// advertised name is returned with the expected shape, a recorded tensor is not changed by a later in-place layer,
/// and gradients of the output reach the recorded tensors.
/// </summary>
public sealed class ActivationTests
{
    private static void CheckModel(IActivationModel model, Tensor x, IReadOnlyList<string> expectedNames, Func<Tensor, Tensor> forward)
    {
        Assert.Equal(expectedNames, model.ActivationNames);
        using var scope = DisposeScope.Open();
        Tensor plain;
        using (GradMode.NoGrad()) plain = forward(x);
        var outputs = model.ForwardWithActivations(x, [.. model.ActivationNames]);
        Assert.True(outputs.Output.Detach().Equal(plain), "ForwardWithActivations changed the output");
        Assert.Equal(expectedNames.Order(), outputs.Activations.Keys.Order());
        var last = outputs.Activations[expectedNames[^1]];
        Assert.Equal(model.SpatialDims + 2, last.Dim);
        var grad = torch.Autograd.Grad(outputs.Output.Sum(), last);
        Assert.NotNull(grad);
        Assert.Equal(last.Shape, grad!.Shape);
    }

    [Fact]
    public void ResNetSmallCnnDenseNetAndPreActTrunk()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(7);
            using (var resnet = ResNet.ResNet18(2))
            {
                resnet.Eval();
                var x = torch.Randn([1, 3, 32, 32]);
                CheckModel(resnet, x, ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"], resnet.Forward);
                var a = resnet.ForwardWithActivations(x, ["bn1", "relu", "layer4"]).Activations;
                // bn1 feeds an in-place ReLU: the recorded tensor keeps its negative values, and relu = max(bn1, 0).
                Assert.True(a["bn1"].Min().ToDouble() < 0);
                Assert.True(Functional.Relu(a["bn1"]).Equal(a["relu"]));
                Assert.Equal([1, 512, 1, 1], a["layer4"].Shape);
            }
            using (var small = new SmallCnn(3, 1, 4))
            {
                small.Eval();
                var x = torch.Randn([1, 1, 16, 16]);
                CheckModel(small, x, ["features.conv1", "features.bn1", "features.relu1", "features.pool1", "features.conv2", "features.bn2",
                    "features.relu2", "features.pool2", "features.conv3", "features.bn3", "features.relu3"], small.Forward);
                var a = small.ForwardWithActivations(x, ["features.bn3", "features.relu3"]).Activations;
                Assert.True(Functional.Relu(a["features.bn3"]).Equal(a["features.relu3"]));
            }
            using (var dense = new DenseNet(8, [1, 2], 8, 2, numClasses: 2))
            {
                dense.Eval();
                var x = torch.Randn([1, 3, 32, 32]);
                CheckModel(dense, x, ["features.conv0", "features.norm0", "features.relu0", "features.pool0", "features.denseblock1",
                    "features.transition1", "features.denseblock2", "features.norm5", "relu"], dense.Forward);
                var a = dense.ForwardWithActivations(x, ["features.norm5", "relu"]).Activations;
                Assert.True(a["features.norm5"].Min().ToDouble() < 0);
                Assert.True(Functional.Relu(a["features.norm5"]).Equal(a["relu"]));
            }
            using (var trunk = PreActResNet.ResNet22Trunk(1))
            {
                trunk.Eval();
                CheckModel(trunk, torch.Randn([1, 1, 64, 64]), ["first_conv", "first_pool", "layer_list.0", "layer_list.1", "layer_list.2",
                    "layer_list.3", "layer_list.4", "final_bn", "relu"], trunk.Forward);
            }
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void FoldedModelsStillExposeTheirActivations()
    {
        // After conv+BN folding the batch norms are identities; the names stay, and the output still equals Forward.
        using var scope = DisposeScope.Open();
        torch.ManualSeed(8);
        using var model = new SmallCnn(2, 3, 4);
        model.Eval();
        ConvBatchNormFolding.Fold(model);
        CheckModel(model, torch.Randn([1, 3, 16, 16]), [.. model.ActivationNames], model.Forward);
        Assert.Contains("features.bn1", model.ActivationNames);
    }
}
