using MedLearn.Data.Datasets;

namespace MedLearn.Tests.Datasets;

public class SplitTests
{
    /// <summary>A dataset with 10 items of class 0, 7 of class 1, 3 of class 2 and 2 unlabeled (paths need not exist).</summary>
    internal static ImageDataset Synthetic(string root = "/data")
    {
        var counts = new[] { 10, 7, 3 };
        var items = new List<DatasetItem>();
        for (var c = 0; c < counts.Length; c++)
            for (var i = 0; i < counts[c]; i++) items.Add(new DatasetItem($"{root}/c{c}/{i}.fimg", c, $"c{c}"));
        items.Add(new DatasetItem($"{root}/u/0.fimg", Labeled: false));
        items.Add(new DatasetItem($"{root}/u/1.fimg", Labeled: false));
        return new ImageDataset(items, ["c0", "c1", "c2"]);
    }

    [Fact]
    public void StratifiedSplitCountsFollowTheRoundingRule()
    {
        var ds = Synthetic();
        var split = DatasetSplitter.Split(ds, 0.7, 0.15, 0.15, seed: 42);
        int Count(ImageDataset part, int label) => part.Items.Count(i => i.Label == label);
        // class 0 (n=10): val R(1.5)=2, test R(1.5)=2, train 6; class 1 (n=7): R(1.05)=1, 1, 5;
        // class 2 (n=3): R(0.45)=0, 0, 3; unlabeled (n=2): R(0.3)=0, 0, 2.
        Assert.Equal([6, 5, 3, 2], new[] { 0, 1, 2, -1 }.Select(l => Count(split.Train, l)));
        Assert.Equal([2, 1, 0, 0], new[] { 0, 1, 2, -1 }.Select(l => Count(split.Val, l)));
        Assert.Equal([2, 1, 0, 0], new[] { 0, 1, 2, -1 }.Select(l => Count(split.Test, l)));
        Assert.All(split.Val.Items, i => Assert.Equal("val", i.Split));
        var all = split.Train.Items.Concat(split.Val.Items).Concat(split.Test.Items).Select(i => i.Path).Order().ToList();
        Assert.Equal(ds.Items.Select(i => i.Path).Order(), all);
        // Same seed, same split; another seed, another split.
        Assert.Equal(split.Val.Items, DatasetSplitter.Split(ds, 0.7, 0.15, 0.15, seed: 42).Val.Items);
        Assert.NotEqual(split.Val.Items.Select(i => i.Path), DatasetSplitter.Split(ds, 0.7, 0.15, 0.15, seed: 43).Val.Items.Select(i => i.Path));
    }

    [Fact]
    public void OverfullRoundingTakesFromTestFirst()
    {
        var items = Enumerable.Range(0, 3).Select(i => new DatasetItem($"/d/{i}", 0, "a")).ToList();
        var split = DatasetSplitter.Split(new ImageDataset(items, ["a"]), 0, 0.5, 0.5, seed: 1);
        // n=3: val R(1.5)=2, test R(1.5)=2 -> 4 > 3 -> test 1.
        Assert.Equal((0, 2, 1), (split.Train.Count, split.Val.Count, split.Test.Count));
    }

    [Fact]
    public void BadFractionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(Synthetic(), 0.5, 0.2, 0.2, 1));
        Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(Synthetic(), 1.2, -0.2, 0, 1));
    }

    [Fact]
    public void SplitFileRoundTripGivesTheIdenticalSplit()
    {
        using var dir = new TempDir();
        var ds = Synthetic(dir["data"]);
        var split = DatasetSplitter.Split(ds, 0.6, 0.2, 0.2, seed: 7);
        var file = dir["data/splits/split.csv"];
        SplitFile.Write(file, split);
        var text = File.ReadAllText(file);
        Assert.StartsWith("path,split,label\n", text);
        Assert.Contains(Path.Combine(dir["data"], "c0"), text); // outside the split folder: absolute
        var again = SplitFile.Read(file, ds);
        Assert.Equal(split.Train.Items, again.Train.Items);
        Assert.Equal(split.Val.Items, again.Val.Items);
        Assert.Equal(split.Test.Items, again.Test.Items);

        // Relative paths when the items lie under the split file's folder.
        var file2 = dir["split2.csv"];
        SplitFile.Write(file2, split);
        Assert.Contains("\ndata/c1/", File.ReadAllText(file2));
        Assert.Equal(split.Val.Items, SplitFile.Read(file2, ds).Val.Items);
    }

    [Fact]
    public void SplitFileThatDoesNotMatchTheDatasetIsAClearError()
    {
        using var dir = new TempDir();
        var ds = Synthetic(dir["data"]);
        var file = dir["split.csv"];
        SplitFile.Write(file, DatasetSplitter.Split(ds, 0.6, 0.2, 0.2, seed: 7));
        var lines = File.ReadAllLines(file).ToList();

        // A dataset with one item fewer: the file names a path the dataset lacks.
        var smaller = ds.Subset(Enumerable.Range(1, ds.Count - 1));
        var e = Assert.Throws<DatasetException>(() => SplitFile.Read(file, smaller));
        Assert.Contains("not in the dataset", e.Message);
        Assert.Contains("does not match the dataset", e.Message);

        // A dataset with an extra item: it has no row.
        var bigger = ds.WithItems([.. ds.Items, new DatasetItem(dir["data/extra.fimg"], 0, "c0")]);
        Assert.Contains("extra.fimg' has no row", Assert.Throws<DatasetException>(() => SplitFile.Read(file, bigger)).Message);

        // Label changed and unknown split name, each reported with its row.
        var edited = lines.ToList();
        edited[1] = edited[1][..edited[1].LastIndexOf(',')] + ",c2";
        edited[2] = edited[2].Replace(",train,", ",holdout,").Replace(",val,", ",holdout,").Replace(",test,", ",holdout,");
        File.WriteAllLines(file, edited);
        var e2 = Assert.Throws<DatasetException>(() => SplitFile.Read(file, ds));
        Assert.Contains(e2.Problems, p => p.StartsWith("row 2:") && p.Contains("label"));
        Assert.Contains(e2.Problems, p => p.StartsWith("row 3:") && p.Contains("unknown split 'holdout'"));
    }

    [Fact]
    public void LabeledFractionIsStratifiedAndSeeded()
    {
        var ds = Synthetic();
        var part = DatasetSplitter.WithLabeledFraction(ds, 0.2, seed: 3);
        int Labeled(int c) => part.Items.Count(i => i.Label == c && i.Labeled);
        // class 0: R(2.0)=2; class 1: R(1.4)=1; class 2: R(0.6)=1 (and at least 1 anyway); unlabeled stay unlabeled.
        Assert.Equal([2, 1, 1], new[] { 0, 1, 2 }.Select(Labeled));
        Assert.Equal(4, part.LabeledIndices().Length);
        Assert.Equal(ds.Count - 4, part.UnlabeledIndices().Length);
        Assert.All(part.Items.Where(i => !i.Labeled), i => Assert.Equal(-1, i.SupervisedLabel));
        Assert.Equal(part.Items, DatasetSplitter.WithLabeledFraction(ds, 0.2, seed: 3).Items);
        // Tiny fraction still keeps one labeled example per class.
        Assert.Equal(3, DatasetSplitter.WithLabeledFraction(ds, 0.01, seed: 3).LabeledIndices().Length);
        Assert.Empty(DatasetSplitter.WithLabeledFraction(ds, 0, seed: 3).LabeledIndices());
    }

    [Fact]
    public void LabeledByExplicitList()
    {
        var ds = Synthetic();
        var part = DatasetSplitter.WithLabeledPaths(ds, ["/data/c0/3.fimg", "/data/c2/0.fimg"]);
        Assert.Equal(["/data/c0/3.fimg", "/data/c2/0.fimg"], part.LabeledIndices().Select(i => part[i].Path));
        var e = Assert.Throws<DatasetException>(() => DatasetSplitter.WithLabeledPaths(ds, ["/data/nope.fimg", "/data/u/0.fimg"]));
        Assert.Contains("'/data/nope.fimg' is not in the dataset", e.Message);
        Assert.Contains("has no label", e.Message);
    }
}
