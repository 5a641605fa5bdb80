using MedLearn.Runs;
using MedLearn.Tests.Datasets;

namespace MedLearn.Tests.Runs;

public class ConfigBinderTests
{
    [Theory]
    [InlineData("LearningRate", "learning-rate")]
    [InlineData("Epochs", "epochs")]
    [InlineData("AMPEnabled", "amp-enabled")]
    [InlineData("UseAmp", "use-amp")]
    [InlineData("Use3DAugment", "use3d-augment")]
    [InlineData("Conv2D", "conv2d")]
    [InlineData("Fold2Seed", "fold2-seed")]
    [InlineData("IOU", "iou")]
    [InlineData("Snake_Case", "snake-case")]
    public void KebabCaseOfPropertyNames(string name, string expected) => Assert.Equal(expected, ConfigNaming.ToKebabCase(name));

    [Fact]
    public void KebabAndSnakeKeysBindAndUnmentionedKeysKeepTheirDefaults()
    {
        const string yaml = """
            name: run-a
            use_amp: true
            optimizer:
              learning-rate: 0.05
              weight_decay: 1e-4
            schedule: step_decay
            patience-epochs: 3
            """;
        var o = ConfigBinder.Parse<ScalarOptions>(yaml, "cfg.yaml");
        var expected = new ScalarOptions
        {
            Name = "run-a",
            UseAmp = true,
            Optimizer = new OptimizerOptions { LearningRate = 0.05, WeightDecay = 1e-4 },
            Schedule = LrSchedule.StepDecay,
            PatienceEpochs = 3,
        };
        Assert.Equal(expected, o);
        Assert.Equal(0.9, o.Optimizer.Momentum); // nested default kept
        Assert.Equal(OptimizerKind.Adam, o.Optimizer.Kind);
    }

    [Theory]
    [InlineData("adam-w")]
    [InlineData("adam_w")]
    [InlineData("ADAM_W")]
    [InlineData("AdamW")]
    [InlineData("adamw")]
    public void EnumsMatchIgnoringCaseDashesAndUnderscores(string text)
    {
        var o = ConfigBinder.Parse<ScalarOptions>($"optimizer:\n  kind: {text}\n");
        Assert.Equal(OptimizerKind.AdamW, o.Optimizer.Kind);
    }

    [Fact]
    public void ApplyingOntoDefaultsOverridesOnlyTheGivenKeysAndLeavesTheDefaultsUntouched()
    {
        var defaults = new ScalarOptions { Epochs = 99, Optimizer = new OptimizerOptions { Momentum = 0.5, LearningRate = 0.2 } };
        var snapshot = defaults with { };
        var o = ConfigBinder.Parse("epochs: 7\noptimizer:\n  momentum: 0.75\n", defaults, "cfg.yaml");
        Assert.Equal(defaults with { Epochs = 7, Optimizer = defaults.Optimizer with { Momentum = 0.75 } }, o);
        Assert.Equal(snapshot, defaults);
        Assert.Equal(0.5, defaults.Optimizer.Momentum);
        // An empty document (or comments only) leaves the defaults.
        Assert.Equal(defaults, ConfigBinder.Parse("# nothing\n", defaults));
        Assert.Equal(defaults, ConfigBinder.Parse("", defaults));
        // CLI flags override after, with `with`.
        Assert.Equal(3, (o with { Epochs = 3 }).Epochs);
    }

    [Fact]
    public void UnknownKeyNamesFileKeyPathPositionAndTheClosestKey()
    {
        const string yaml = "epochs: 5\noptimizer:\n  momentun: 0.8\n";
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ScalarOptions>(yaml, "cfg.yaml"));
        var p = Assert.Single(e.Problems);
        Assert.Equal(("optimizer.momentun", 3, 3), (p.KeyPath, p.Line, p.Column));
        Assert.Equal("cfg.yaml:3:3: unknown key 'optimizer.momentun' (did you mean 'optimizer.momentum'?)", e.Message);
    }

    [Fact]
    public void UnknownKeyWithoutACloseMatchListsTheKnownKeys()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ScalarOptions>("optimizer:\n  zzzzzzzz: 1\n", "c.yaml"));
        Assert.Equal("c.yaml:2:3: unknown key 'optimizer.zzzzzzzz' (known keys of 'optimizer': kind, learning-rate, momentum, weight-decay)", e.Message);
        // A case slip is a close match too.
        e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ScalarOptions>("Epochs: 1\n", "c.yaml"));
        Assert.Equal("c.yaml:1:1: unknown key 'Epochs' (did you mean 'epochs'?)", e.Message);
    }

    [Theory]
    [InlineData("epochs: ten", "cfg.yaml:1:9: 'epochs' expects an integer (int), got 'ten'")]
    [InlineData("epochs: 2.5", "cfg.yaml:1:9: 'epochs' expects an integer (int), got '2.5'")]
    [InlineData("epochs: 3000000000", "cfg.yaml:1:9: 'epochs' expects an integer (int), got '3000000000': out of range for int (-2147483648 to 2147483647)")]
    [InlineData("seed: 0x10", "cfg.yaml:1:7: 'seed' expects an integer (long), got '0x10'")]
    [InlineData("use-amp: yes", "cfg.yaml:1:10: 'use-amp' expects true or false (bool), got 'yes'")]
    [InlineData("dropout: 1e400", "cfg.yaml:1:10: 'dropout' expects a number (float), got '1e400': out of range (use .inf for infinity)")]
    [InlineData("schedule: cosine", "cfg.yaml:1:11: 'schedule' expects one of constant, cosine-annealing, step-decay (LrSchedule), got 'cosine'")]
    [InlineData("schedule: 1", "cfg.yaml:1:11: 'schedule' expects one of constant, cosine-annealing, step-decay (LrSchedule), got '1'")]
    [InlineData("name: ~", "cfg.yaml:1:7: 'name' expects a string, got null")]
    [InlineData("name: [a, b]", "cfg.yaml:1:7: 'name' expects a string, got a list")]
    [InlineData("optimizer: fast", "cfg.yaml:1:12: 'optimizer' expects a mapping of keys (OptimizerOptions), got 'fast'")]
    [InlineData("optimizer:", "cfg.yaml:1:11: 'optimizer' expects a mapping (OptimizerOptions), got null")]
    [InlineData("optimizer:\n  momentum: high", "cfg.yaml:2:13: 'optimizer.momentum' expects a number (double), got 'high'")]
    [InlineData("- a\n- b", "cfg.yaml:1:1: the document expects a mapping of keys (ScalarOptions), got a list")]
    public void WrongTypesNameKeyExpectedTypeValueAndPosition(string yaml, string message)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ScalarOptions>(yaml, "cfg.yaml"));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void EveryProblemIsReportedNotOnlyTheFirst()
    {
        const string yaml = "epochs: x\nmomentum: 1\noptimizer:\n  kind: rmsprop\n  learning-rate: fast\n";
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ScalarOptions>(yaml, "cfg.yaml"));
        Assert.Equal(["epochs", "momentum", "optimizer.kind", "optimizer.learning-rate"], e.Problems.Select(p => p.KeyPath));
        Assert.Equal([1, 2, 4, 5], e.Problems.Select(p => p.Line));
        Assert.StartsWith("4 configuration problems:", e.Message);
        // A key at the wrong level points to where it belongs.
        Assert.Equal("cfg.yaml:2:1: unknown key 'momentum' (did you mean 'optimizer.momentum'?)", e.Problems[1].ToString());
    }

    [Fact]
    public void KeysGivenTwiceAreErrors()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ScalarOptions>("use-amp: true\nuse_amp: false\n", "c.yaml"));
        Assert.Equal("c.yaml:2:1: 'use_amp' is given twice (first at line 1)", e.Message);
        e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ScalarOptions>("epochs: 1\nepochs: 2\n", "c.yaml"));
        Assert.StartsWith("c.yaml:2:1: invalid YAML: Duplicate key", e.Message);
    }

    [Fact]
    public void SyntaxErrorsAndSeveralDocumentsAreReportedWithTheirPosition()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ScalarOptions>("epochs: 1\nname: [a, b\n", "c.yaml"));
        Assert.StartsWith("c.yaml:3:1: invalid YAML:", e.Message);
        e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ScalarOptions>("epochs: 1\n---\nepochs: 2\n", "c.yaml"));
        Assert.Equal("c.yaml:3:1: expected one YAML document, found several ('---')", e.Message);
    }

    [Fact]
    public void NullsNullablesAndNestedRecordsCreatedFromNothing()
    {
        var defaults = new ScalarOptions { Notes = "x", PatienceEpochs = 4, WarmupSchedule = LrSchedule.Constant };
        var o = ConfigBinder.Parse("notes: ~\npatience-epochs:\nwarmup-schedule: null\nfinetune:\n  learning-rate: 0.1\n", defaults);
        Assert.Null(o.Notes);
        Assert.Null(o.PatienceEpochs);
        Assert.Null(o.WarmupSchedule);
        Assert.Equal(new OptimizerOptions { LearningRate = 0.1 }, o.Finetune);
        // Quoted "null" is a string; a nullable nested record can be reset to null.
        Assert.Equal("null", ConfigBinder.Parse<ScalarOptions>("notes: \"null\"").Notes);
        Assert.Null(ConfigBinder.Parse("finetune: ~", o).Finetune);
    }

    [Fact]
    public void SpecialFloatingPointValues()
    {
        var o = ConfigBinder.Parse<ScalarOptions>("optimizer:\n  learning-rate: .nan\n  momentum: -.inf\n  weight-decay: .Inf\ndropout: NaN\n");
        Assert.True(double.IsNaN(o.Optimizer.LearningRate));
        Assert.Equal(double.NegativeInfinity, o.Optimizer.Momentum);
        Assert.Equal(double.PositiveInfinity, o.Optimizer.WeightDecay);
        Assert.True(float.IsNaN(o.Dropout));
    }

    [Fact]
    public void ListsBindElementWiseAndReplaceTheDefaultList()
    {
        const string yaml = """
            classes: [normal, benign, malignant]
            image_size:
              - 128
              - 96
            augment:
              - name: flip
              - name: rotate
                probability: 0.25
            thresholds: [0.5, .nan]
            groups: [[1, 2], [], [3]]
            """;
        var o = ConfigBinder.Parse<SampleOptions>(yaml);
        Assert.Equal(["normal", "benign", "malignant"], o.Classes);
        Assert.Equal([128, 96], o.ImageSize);
        Assert.Equal([new AugmentStep { Name = "flip" }, new AugmentStep { Name = "rotate", Probability = 0.25 }], o.Augment);
        Assert.Equal(0.5, o.Thresholds![0]);
        Assert.True(double.IsNaN(o.Thresholds[1]));
        Assert.Equal([[1, 2], [], [3]], o.Groups);
        // Interface-typed lists are read-only.
        Assert.Throws<NotSupportedException>(() => ((IList<string>)o.Classes).Add("x"));
        Assert.Equal(["benign", "malignant"], new SampleOptions().Classes); // defaults untouched
    }

    [Fact]
    public void ListElementErrorsNameTheIndex()
    {
        const string yaml = "image-size: [1, x]\naugment:\n  - name: a\n  - probabilty: 1\nclasses: a\nthresholds:\n";
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<SampleOptions>(yaml, "c.yaml"));
        Assert.Equal(
            [
                "c.yaml:1:17: 'image-size[1]' expects an integer (int), got 'x'",
                "c.yaml:4:5: unknown key 'augment[1].probabilty' (did you mean 'augment[1].probability'?)",
                "c.yaml:5:10: 'classes' expects a list of string, got 'a'",
            ],
            e.Problems.Select(p => p.ToString()));
        // A nullable list accepts null (thresholds above), a non-nullable one does not.
        e = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<SampleOptions>("classes: ~", "c.yaml"));
        Assert.Equal("c.yaml:1:10: 'classes' expects a list of string, got null (use [] for an empty list)", e.Message);
    }

    [Fact]
    public void PositionalRecordsBindOntoAnExistingInstance()
    {
        var o = ConfigBinder.Parse("mode: fast\n", new PositionalOptions(3, "slow"));
        Assert.Equal(new PositionalOptions(3, "fast"), o);
    }

    [Fact]
    public void LoadReadsAFileAndNamesItInErrors()
    {
        using var dir = new TempDir();
        var path = dir.Text("cfg/train.yaml", "epochs: 12\noptimizer:\n  kind: sgd\n");
        var o = ConfigBinder.Load<ScalarOptions>(path);
        Assert.Equal((12, OptimizerKind.Sgd), (o.Epochs, o.Optimizer.Kind));
        var bad = dir.Text("cfg/bad.yaml", "epoch: 12\n");
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Load(bad, new ScalarOptions()));
        Assert.Equal($"{bad}:1:1: unknown key 'epoch' (did you mean 'epochs'?)", e.Message);
    }

    [Fact]
    public void OverridesApplyKeyPathAssignmentsInOrder()
    {
        var o = ConfigBinder.ApplyOverrides(new SampleOptions(),
            ["optimizer.learning-rate=0.05", "classes=[a, b, c]", "epochs=3", "epochs = 4", "thresholds=", "optimizer.kind=sgd"]);
        Assert.Equal(0.05, o.Optimizer.LearningRate);
        Assert.Equal(OptimizerKind.Sgd, o.Optimizer.Kind);
        Assert.Equal(["a", "b", "c"], o.Classes);
        Assert.Equal(4, o.Epochs);
        Assert.Null(o.Thresholds);
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.ApplyOverrides(new SampleOptions(), ["optimizer.momentun=1", "epochs=x", "name"]));
        Assert.Equal(
            [
                "override 'optimizer.momentun=1': unknown key 'optimizer.momentun' (did you mean 'optimizer.momentum'?)",
                "override 'epochs=x': 'epochs' expects an integer (int), got 'x'",
                "override 'name': expected key.path=value",
            ],
            e.Problems.Select(p => p.ToString()));
    }
}
