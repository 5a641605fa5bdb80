using MedLearn.Data;
using MedLearn.Data.Transforms;
using MedLearn.Torch;

namespace MedLearn.Tests.Transforms;

internal static class T
{
    public static TransformContext Ctx(long index = 0, int view = 0, int epoch = 0) => TransformContext.For(42, epoch, index, view);

    public static Tensor Ramp(params long[] shape) =>
        torch.Arange(0, shape.Aggregate(1L, (a, b) => a * b), dtype: DType.Float32).Reshape(shape);

    public static Sample S(Tensor image, Tensor? mask = null, ImageMeta? meta = null) =>
        new() { Image = image, Mask = mask, Meta = meta ?? new ImageMeta { SpatialDims = image.Dim - 1, Spacing = Enumerable.Repeat(1.0, image.Dim - 1).ToArray() } };

    public static Sample Run(ITransform t, Sample s, long index = 0, int view = 0)
    {
        using var ctx = Ctx(index, view);
        return t.Apply(s, ctx);
    }
}
