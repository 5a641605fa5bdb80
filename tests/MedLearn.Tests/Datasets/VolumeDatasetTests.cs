using MedLearn.Data.Datasets;
using MedLearn.Data.Transforms;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Datasets;

public class VolumeDatasetTests
{
    [Fact]
    public void DecathlonFoldersPairImagesAndLabelsByName()
    {
        using var dir = new TempDir();
        dir.Image("Task02/imagesTr/la_2.fimg", shape: [1, 2, 3, 4]);
        dir.Image("Task02/imagesTr/la_1.fimg", shape: [1, 2, 3, 4]);
        dir.Image("Task02/imagesTr/._la_1.fimg");
        dir.Image("Task02/labelsTr/la_1.fimg", shape: [1, 2, 3, 4]);
        dir.Image("Task02/labelsTr/la_2.fimg", shape: [1, 2, 3, 4]);
        var ds = VolumeDataset.FromDecathlon(dir["Task02"], extensions: [".fimg"]);
        Assert.Equal(2, ds.Count);
        Assert.Equal(dir["Task02/imagesTr/la_1.fimg"], ds[0].Path);
        Assert.Equal(dir["Task02/labelsTr/la_1.fimg"], ds[0].MaskPath);
        Assert.All(ds.Items, i => Assert.Equal(0, i.Label));

        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            using var ctx = TransformContext.For(0, 0, 0);
            var s = ds.LoadSample(0, null, ctx);
            Assert.Equal([1L, 2, 3, 4], s.Image.Shape);
            Assert.Equal([1L, 2, 3, 4], s.Mask!.Shape);
            Assert.Equal(3, s.SpatialDims);
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void UnpairedFilesAreListed()
    {
        using var dir = new TempDir();
        dir.Image("t/imagesTr/a.fimg");
        dir.Image("t/imagesTr/b.fimg");
        dir.Image("t/labelsTr/a.fimg");
        dir.Image("t/labelsTr/c.fimg");
        var e = Assert.Throws<DatasetException>(() => VolumeDataset.FromDecathlon(dir["t"], extensions: [".fimg"]));
        Assert.Contains("'b.fimg' has no label map", e.Message);
        Assert.Contains("'c.fimg' has no image", e.Message);
    }

    [Fact]
    public void MaskShapeMismatchIsReportedAtLoadNamingBothFiles()
    {
        using var dir = new TempDir();
        dir.Image("v/img.fimg", shape: [1, 2, 3, 4]);
        dir.Image("v/seg.fimg", shape: [1, 2, 3, 5]);
        dir.Image("v/img2.fimg", shape: [1, 2, 3, 4]);
        var csv = dir.Text("v/pairs.csv", "image,mask\nimg.fimg,seg.fimg\nimg2.fimg,\n");
        var ds = VolumeDataset.FromCsv(csv);
        Assert.Equal(2, ds.Count);
        Assert.False(ds[1].Labeled);
        Assert.Equal(-1, ds[1].Label);
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            using var ctx = TransformContext.For(0, 0, 0);
            var e = Assert.Throws<DatasetException>(() => ds.LoadSample(0, null, ctx));
            Assert.Contains("seg.fimg", e.Message);
            Assert.Contains("img.fimg", e.Message);
            Assert.Contains("[2, 3, 5]", e.Message);
            Assert.Contains("[2, 3, 4]", e.Message);
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void CsvProblemsNameRows()
    {
        using var dir = new TempDir();
        dir.Image("v/img.fimg");
        var csv = dir.Text("v/pairs.csv", "image,mask\nimg.fimg,nomask.fimg\nimg.fimg,\n");
        var e = Assert.Throws<DatasetException>(() => VolumeDataset.FromCsv(csv));
        Assert.Contains(e.Problems, p => p.StartsWith("row 2:") && p.Contains("mask file not found"));
        Assert.Contains(e.Problems, p => p.StartsWith("row 3:") && p.Contains("duplicate"));
        Assert.Contains("row 1", Assert.Throws<DatasetException>(() => VolumeDataset.FromCsv(dir.Text("v/bad.csv", "img,seg\n"))).Message);
    }
}
