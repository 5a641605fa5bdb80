using FsCheck;
using FsCheck.Fluent;
using MedLearn.Data.Datasets;

namespace MedLearn.Tests.Datasets;

public class ManifestDatasetTests
{
    [Fact]
    public void ParsesColumnsResolvesRelativePathsAndSortsClasses()
    {
        using var dir = new TempDir();
        dir.Image("data/img/1.fimg");
        dir.Image("data/img/2.fimg");
        dir.Image("data/img/3.fimg");
        dir.Image("data/masks/1.fimg");
        var csv = dir.Text("data/manifest.csv",
            "label,path,split,labeled,mask,comment\n" +
            "tumour,img/1.fimg,train,true,masks/1.fimg,\"a, quoted comment\"\r\n" +
            "\n" +
            "normal,img/2.fimg,val,0,,x\n" +
            $",{dir["data/img/3.fimg"]},,,,y\n");
        var ds = ManifestDataset.Load(csv);
        Assert.Equal(["normal", "tumour"], ds.Classes);
        Assert.Equal(3, ds.Count);
        Assert.Equal(dir["data/img/1.fimg"], ds[0].Path);
        Assert.Equal(dir["data/masks/1.fimg"], ds[0].MaskPath);
        Assert.Equal((1, true, "train"), (ds[0].Label, ds[0].Labeled, ds[0].Split));
        Assert.Equal((0, false, "val", 0), (ds[1].Label, ds[1].Labeled, ds[1].Split, ds[1].Label));
        Assert.Equal(-1, ds[1].SupervisedLabel);
        Assert.Equal((-1, false, (string?)null), (ds[2].Label, ds[2].Labeled, ds[2].Split));
    }

    [Fact]
    public void NumericClassNamesSortNumerically()
    {
        var csv = "path,label\na,10\nb,2\nc,1\n";
        var ds = ManifestDataset.Parse(new StringReader(csv), "/tmp", new ManifestOptions { CheckFiles = false });
        Assert.Equal(["1", "2", "10"], ds.Classes);
    }

    [Fact]
    public void EveryRowProblemIsReportedWithItsRowNumber()
    {
        using var dir = new TempDir();
        dir.Image("a.fimg");
        dir.Image("b.fimg");
        var csv = dir.Text("m.csv",
            "path,label,labeled\n" +   // row 1
            "a.fimg,cat,true\n" +      // row 2 ok
            "missing.fimg,cat,\n" +     // row 3 missing file
            "b.fimg,zebra,\n" +         // row 4 unknown class
            "a.fimg,dog,maybe\n" +      // row 5 duplicate + bad flag
            ",dog,\n" +                 // row 6 empty path
            "b.fimg,,true\n" +          // row 7 labeled without label (and duplicate of row 4? no: row 4 failed but path seen)
            "x,y\n");                   // row 8 field count
        var e = Assert.Throws<DatasetException>(() => ManifestDataset.Load(csv, new ManifestOptions { Classes = ["cat", "dog"] }));
        Assert.Contains(e.Problems, p => p.StartsWith("row 3:") && p.Contains("file not found") && p.Contains("missing.fimg"));
        Assert.Contains(e.Problems, p => p.StartsWith("row 4:") && p.Contains("unknown class 'zebra'"));
        Assert.Contains(e.Problems, p => p.StartsWith("row 5:") && p.Contains("duplicate path") && p.Contains("row 2"));
        Assert.Contains(e.Problems, p => p.StartsWith("row 5:") && p.Contains("bad labeled flag 'maybe'"));
        Assert.Contains(e.Problems, p => p.StartsWith("row 6:") && p.Contains("empty path"));
        Assert.Contains(e.Problems, p => p.StartsWith("row 7:") && p.Contains("label is empty"));
        Assert.Contains(e.Problems, p => p.StartsWith("row 8:") && p.Contains("expected 3 fields"));
        Assert.Contains(csv, e.Message);
    }

    [Fact]
    public void GivenClassListKeepsUnusedClasses()
    {
        var ds = ManifestDataset.Parse(new StringReader("path,label\na,dog\n"), "/tmp",
            new ManifestOptions { Classes = ["cat", "dog", "fish"], CheckFiles = false });
        Assert.Equal(3, ds.Classes.Count);
        Assert.Equal(1, ds[0].Label);
    }

    [Theory]
    [InlineData("", "header required")]
    [InlineData("file,class\na,b\n", "header required")]
    [InlineData("path,label\n", "no data rows")]
    [InlineData("path,label\n\"a,b\n", "unterminated")]
    [InlineData("path,label\na\"b,c\n", "quote")]
    [InlineData("path,label,path\na,b,c\n", "duplicate column")]
    public void MalformedManifestsGiveClearErrors(string csv, string expected)
    {
        var e = Assert.Throws<DatasetException>(() => ManifestDataset.Parse(new StringReader(csv), "/tmp", new ManifestOptions { CheckFiles = false }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void MissingManifestFileIsADatasetException()
    {
        using var dir = new TempDir();
        Assert.Throws<DatasetException>(() => ManifestDataset.Load(dir["nope.csv"]));
    }

    /// <summary>Random text made of CSV-significant characters never raises anything but DatasetException.</summary>
    [Fact]
    public void FuzzedManifestsOnlyThrowDatasetException()
    {
        var alphabet = Gen.Elements(',', '"', '\n', '\r', 'a', 'b', ' ', '/', '.', '\0', 't', '1', '0', 'é', ':', '*', '?');
        var cell = Gen.Elements("path", "label", "labeled", "split", "mask", "true", "no", "maybe", "train", "test", "", "a", "b", "../x", "\"q\"", "/tmp/none.fimg", "x\0y", "c:\\w", "\"un");
        var structured = Gen.ListOf(Gen.ListOf(cell).Select(r => string.Join(",", r))).Select(rows => string.Join("\n", rows));
        var headerFirst = Gen.ListOf(Gen.ListOf(cell).Select(r => string.Join(",", r)))
            .Select(rows => "path,label,split,labeled,mask\n" + string.Join("\n", rows));
        var raw = Gen.ArrayOf(alphabet).Select(cs => new string(cs));
        var text = Gen.OneOf(structured, headerFirst, raw);
        var options = new ManifestOptions { CheckFiles = false };
        Prop.ForAll(text.ToArbitrary(), csv =>
        {
            try
            {
                var ds = ManifestDataset.Parse(new StringReader(csv), "/tmp/base", options);
                return ds.Count > 0 && ds.Items.All(i => Path.IsPathRooted(i.Path) && i.Label >= -1 && i.Label < Math.Max(1, ds.Classes.Count));
            }
            catch (DatasetException e)
            {
                return e.Message.Length > 0;
            }
        }).QuickCheckThrowOnFailure();
        // And with file checks on (paths that do not exist).
        Prop.ForAll(headerFirst.ToArbitrary(), csv =>
        {
            try { ManifestDataset.Parse(new StringReader(csv), "/tmp/base"); return true; }
            catch (DatasetException) { return true; }
        }).QuickCheckThrowOnFailure();
    }
}
