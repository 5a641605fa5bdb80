using MedLearn.Data.Datasets;
using MedLearn.Data.Transforms;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Datasets;

public class FolderDatasetTests
{
    [Fact]
    public void ClassesAreSortedFolderNamesAndFilesFilteredByExtension()
    {
        using var dir = new TempDir();
        dir.Image("root/malignant/b.fimg");
        dir.Image("root/malignant/a.fimg");
        dir.Image("root/benign/x.fimg");
        dir.Text("root/benign/notes.txt", "ignored");
        dir.Image("root/.hidden/y.fimg");
        var ds = FolderDataset.Load(dir["root"], [".fimg"]);
        Assert.Equal(["benign", "malignant"], ds.Classes);
        Assert.Equal(3, ds.Count);
        Assert.Equal(["x.fimg", "a.fimg", "b.fimg"], ds.Items.Select(i => Path.GetFileName(i.Path)));
        Assert.Equal([0, 1, 1], ds.Items.Select(i => i.Label));
        Assert.Equal("malignant", ds[1].ClassName);
        Assert.False(ds.IsSingleClass);
        Assert.All(ds.Items, i => Assert.True(Path.IsPathRooted(i.Path) && i.Labeled));
    }

    [Fact]
    public void EmptyClassFolderIsAnErrorNamingIt()
    {
        using var dir = new TempDir();
        dir.Image("root/a/1.fimg");
        Directory.CreateDirectory(dir["root/empty_class"]);
        dir.Text("root/empty_class/readme.txt", "no images");
        var e = Assert.Throws<DatasetException>(() => FolderDataset.Load(dir["root"], [".fimg"]));
        Assert.Contains("empty_class", e.Message);
        Assert.Contains("no image", e.Message);
    }

    [Fact]
    public void SingleClassIsAllowedButFlagged()
    {
        using var dir = new TempDir();
        dir.Image("root/only/1.fimg");
        var ds = FolderDataset.Load(dir["root"], [".fimg"]);
        Assert.True(ds.IsSingleClass);
        Assert.Single(ds.Classes);
    }

    [Fact]
    public void MissingRootAndNoClassFoldersAreErrors()
    {
        using var dir = new TempDir();
        Assert.Contains("not found", Assert.Throws<DatasetException>(() => FolderDataset.Load(dir["nope"])).Message);
        Directory.CreateDirectory(dir["flat"]);
        dir.Image("flat/1.fimg");
        Assert.Contains("no class folders", Assert.Throws<DatasetException>(() => FolderDataset.Load(dir["flat"])).Message);
    }

    [Fact]
    public void LoadSampleReadsThroughTheRegistryAndCarriesTheLabel()
    {
        using var dir = new TempDir();
        dir.Image("root/a/1.fimg", 5);
        dir.Image("root/b/2.fimg", 7);
        var ds = FolderDataset.Load(dir["root"], [".fimg"]);
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            using var ctx = TransformContext.For(1, 0, 1);
            var s = ds.LoadSample(1, null, ctx);
            Assert.Equal(1, s.Label);
            Assert.Equal(1, s.Index);
            Assert.Equal([1L, 2, 2], s.Image.Shape);
            Assert.Equal(7f, s.Image.ToArray<float>()[0]);
            Assert.Null(s.Mask);
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }
}
