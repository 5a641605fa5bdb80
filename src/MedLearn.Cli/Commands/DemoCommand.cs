using System.CommandLine;
using System.Diagnostics;
using MedLearn.Cli.Demo;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Serialization;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn demo</c>: the quick-start run. Until the data and training issues land this trains a tiny CNN
/// on an on-the-fly synthetic lesion-detection task and shows the loss falling and held-out accuracy rising,
/// then writes the weights as a PyTorch state dict.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => 150 };
        var batch = new Option<int>("--batch") { Description = "Images per step.", DefaultValueFactory = _ => 32 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for weights and data (the run is repeatable).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Folder for model.pt (a PyTorch state dict).", DefaultValueFactory = _ => "demo-output" };
        var precision = new Option<string>("--precision") { Description = "auto (fastest safe path for this CPU), fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        var command = new Command("demo", "Quick-start: train a tiny CNN on synthetic lesion images and report loss and accuracy.")
        {
            steps, batch, seed, output, precision,
        };
        command.SetAction(parse => Run(parse.GetValue(steps), parse.GetValue(batch), parse.GetValue(seed), parse.GetValue(output)!,
            PrecisionPlan.ParsePrecision(parse.GetValue(precision)!)));
        return command;
    }

    private static int Run(int steps, int batchSize, ulong seed, string outDir, Precision precision)
    {
        if (steps <= 0 || batchSize <= 1)
        {
            Console.Error.WriteLine("demo: --steps must be > 0 and --batch > 1");
            return 2;
        }
        torch.ManualSeed(seed);
        using var data = new SyntheticLesions(24, seed + 1);
        using var model = new TinyCnn(classes: 2);
        var plan = PrecisionPlan.Resolve(precision, Device.CPU);
        plan.Apply(model);
        using var optimizer = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);

        Console.WriteLine($"demo: synthetic lesion detection, 24x24 images, tiny CNN ({model.ParameterCount()} parameters), seed {seed}, {torch.NumThreads} threads");
        Console.WriteLine($"precision: {plan.Reason}");
        var (testImages, testLabels) = data.Batch(512);
        testImages.DetachFromDisposeScope();
        testLabels.DetachFromDisposeScope();
        using var _ti = testImages;
        using var _tl = testLabels;
        Console.WriteLine($"held-out accuracy before training: {Accuracy(model, plan, testImages, testLabels):P1}");

        var clock = Stopwatch.StartNew();
        double windowLoss = 0;
        var window = 0;
        var firstWindow = double.NaN;
        var lastWindow = double.NaN;
        const int report = 25;
        for (var step = 1; step <= steps; step++)
        {
            using var scope = DisposeScope.Open();
            model.Train();
            var (images, labels) = data.Batch(batchSize);
            Tensor loss;
            using (plan.Autocast()) loss = Functional.CrossEntropy(model.Forward(plan.PrepareInput(images)), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            windowLoss += loss.ToDouble();
            window++;
            if (step % report == 0 || step == steps)
            {
                var mean = windowLoss / window;
                if (double.IsNaN(firstWindow)) firstWindow = mean;
                lastWindow = mean;
                Console.WriteLine($"step {step,4}  mean loss {mean:F4}  ({step * batchSize / clock.Elapsed.TotalSeconds:F0} img/s)");
                windowLoss = 0;
                window = 0;
            }
        }
        var accuracy = Accuracy(model, plan, testImages, testLabels);
        Console.WriteLine($"held-out accuracy after {steps} steps: {accuracy:P1}");

        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, "model.pt");
        StateDictFile.Save(model, path);
        Console.WriteLine($"weights: {Path.GetFullPath(path)} (Python: torch.load(path) gives the state dict)");
        var learned = lastWindow < firstWindow && accuracy > 0.8;
        Console.WriteLine(learned ? "demo: OK, the loss fell and the model learned the task" : "demo: the model did not learn the task (loss or accuracy did not improve)");
        return learned ? 0 : 1;
    }

    private static double Accuracy(TinyCnn model, PrecisionPlan plan, Tensor images, Tensor labels)
    {
        using var scope = DisposeScope.Open();
        using var inference = GradMode.InferenceMode();
        using var autocast = plan.Autocast();
        model.Eval();
        var predicted = model.Forward(plan.PrepareInput(images)).Argmax(1);
        return predicted.Eq(labels).To(DType.Float32).Mean().ToDouble();
    }
}
