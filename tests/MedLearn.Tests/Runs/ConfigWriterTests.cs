using MedLearn.Runs;
using MedLearn.Tests.Datasets;

namespace MedLearn.Tests.Runs;

public class ConfigWriterTests
{
    [Fact]
    public void DefaultsAreWrittenInDeclarationOrderWithKebabKeys()
    {
        var yaml = ConfigWriter.ToYaml(new SampleOptions(), comment: "resolved");
        const string expected = """
            # resolved
            name: baseline
            epochs: 10
            optimizer:
              kind: adam
              learning-rate: 0.001
              momentum: 0.9
              weight-decay: null
            classes:
              - benign
              - malignant
            image-size:
              - 224
              - 224
            augment: []
            thresholds: null
            groups: []

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), yaml);
    }

    [Fact]
    public void ScalarRecordRoundTripsToAnEqualRecord()
    {
        var original = new ScalarOptions
        {
            Name = "needs: quoting # really",
            Epochs = -3,
            Seed = long.MinValue,
            UseAmp = true,
            Dropout = 0.1f + 0.2f,
            Budget = 12345.678901234567890m,
            Schedule = LrSchedule.StepDecay,
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 0.1 + 0.2, Momentum = double.NaN, WeightDecay = double.Epsilon },
            Finetune = new OptimizerOptions { LearningRate = 1e300, Momentum = -0.0, WeightDecay = double.NegativeInfinity },
            Notes = "line1\nline2\t\"quoted\" \\ ü €",
            PatienceEpochs = null,
            WarmupSchedule = LrSchedule.Constant,
        };
        var yaml = ConfigWriter.ToYaml(original);
        var back = ConfigBinder.Parse<ScalarOptions>(yaml, "resolved.yaml");
        Assert.Equal(original, back); // record equality: double.NaN equals itself in Equals
        Assert.True(double.IsNegative(back.Finetune!.Momentum)); // -0.0 kept
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.1 + 0.2), BitConverter.DoubleToInt64Bits(back.Optimizer.LearningRate));
        Assert.Equal(yaml, ConfigWriter.ToYaml(back)); // stable text
        Assert.Contains("learning-rate: 0.30000000000000004\n", yaml);
        Assert.Contains("momentum: .nan\n", yaml);
        Assert.Contains("weight-decay: 5e-324\n", yaml);
        Assert.Contains("weight-decay: -.inf\n", yaml);
        Assert.Contains("momentum: -0.0\n", yaml);
        Assert.Contains("kind: adam-w\n", yaml);
        Assert.Contains("seed: -9223372036854775808\n", yaml);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yes")]
    [InlineData("NULL")]
    [InlineData("~")]
    [InlineData("123")]
    [InlineData("1e3")]
    [InlineData(".nan")]
    [InlineData("true")]
    [InlineData("- item")]
    [InlineData("a: b")]
    [InlineData("#comment")]
    [InlineData(" leading and trailing ")]
    [InlineData("[x]")]
    [InlineData("{x}")]
    [InlineData("&anchor")]
    [InlineData("*alias")]
    [InlineData("!tag")]
    [InlineData("'single'")]
    [InlineData("%percent")]
    [InlineData("@at")]
    [InlineData("`tick")]
    [InlineData("/data/images/x.png")]
    [InlineData("C:\\data\\x.png")]
    [InlineData("tab\there")]
    [InlineData("bell\u0007nul\u0000")]
    [InlineData("\u2028sep\ufeff")]
    public void AnyStringRoundTrips(string text)
    {
        var yaml = ConfigWriter.ToYaml(new ScalarOptions { Name = text, Notes = text });
        var back = ConfigBinder.Parse<ScalarOptions>(yaml);
        Assert.Equal(text, back.Name);
        Assert.Equal(text, back.Notes);
    }

    [Fact]
    public void ListsRoundTripElementWise()
    {
        var original = new SampleOptions
        {
            Classes = ["a b", "yes", ""],
            ImageSize = [],
            Augment = [new AugmentStep { Name = "flip", Probability = 1.0 / 3 }, new AugmentStep()],
            Thresholds = [double.NaN, 0.25, double.PositiveInfinity],
            Groups = [[1, 2], [], [int.MaxValue]],
        };
        var yaml = ConfigWriter.ToYaml(original);
        var back = ConfigBinder.Parse<SampleOptions>(yaml);
        Assert.Equal(original.Classes, back.Classes);
        Assert.Equal(original.ImageSize, back.ImageSize);
        Assert.Equal(original.Augment, back.Augment);
        Assert.Equal(original.Thresholds, back.Thresholds);
        Assert.Equal(original.Groups, back.Groups);
        Assert.Equal((original.Name, original.Epochs, original.Optimizer), (back.Name, back.Epochs, back.Optimizer));
        Assert.Equal(yaml, ConfigWriter.ToYaml(back));
        Assert.Contains("augment:\n  - name: flip\n    probability: 0.3333333333333333\n  - name: \"\"\n    probability: 0.5\n", yaml);
        Assert.Contains("groups:\n  - - 1\n    - 2\n  - []\n  - - 2147483647\n", yaml);
    }

    [Fact]
    public void WriteIsAtomicAndTheFileLoadsBack()
    {
        using var dir = new TempDir();
        var path = dir["config.resolved.yaml"];
        var options = new ScalarOptions { Epochs = 5, Notes = "n" };
        ConfigWriter.Write(path, options);
        Assert.Equal(options, ConfigBinder.Load<ScalarOptions>(path));
        ConfigWriter.Write(path, options with { Epochs = 6 });
        Assert.Equal(6, ConfigBinder.Load<ScalarOptions>(path).Epochs);
        Assert.Equal(["config.resolved.yaml"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.False(File.ReadAllBytes(path).AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })); // no BOM
    }

    [Fact]
    public void UnsupportedPropertyTypesAreAProgrammingError()
    {
        Assert.Throws<NotSupportedException>(() => ConfigWriter.ToYaml(new WithDictionary()));
        Assert.Throws<NotSupportedException>(() => ConfigBinder.Parse<WithDictionary>("map: {}"));
    }

    public sealed record WithDictionary
    {
        public Dictionary<string, int> Map { get; init; } = [];
    }
}
