namespace MedLearn.Data.Transforms;

/// <summary>
/// A crop decided before the image is decoded: the box in full-resolution pixels and the decode reduction the
/// transform accepts (1 = none; 2, 4, 8 = the reader may decode at 1/reduce, e.g. JPEG DCT scaling).
/// </summary>
/// <param name="Top">First row of the box.</param>
/// <param name="Left">First column of the box.</param>
/// <param name="Height">Rows in the box.</param>
/// <param name="Width">Columns in the box.</param>
/// <param name="Reduce">Largest decode reduction the transform accepts for this box (1, 2, 4 or 8).</param>
public readonly record struct CropPlan(long Top, long Left, long Height, long Width, int Reduce = 1);

/// <summary>
/// A transform whose first step crops a box it can choose from the image SIZE alone, so that a dataset can decode
/// only that box (<see cref="Readers.IRegionImageReader"/>). Contract: <see cref="PlanCrop"/> consumes exactly the
/// context draws <see cref="ITransform.Apply"/> would consume before cropping, and
/// <c>ApplyPlanned(region of the plan's box, plan, context)</c> gives the same result as <c>Apply(full image, context)</c>
/// (pixel for pixel when the region is decoded without reduction), so repeatability from
/// (seed, epoch, index, view) does not depend on which path ran.
/// </summary>
public interface ICropAwareTransform : ITransform
{
    /// <summary>
    /// Decides the crop for a 2-D image of <paramref name="height"/> x <paramref name="width"/> pixels, or returns
    /// null (having drawn nothing) when this transform cannot plan a crop up front; the caller then uses
    /// <see cref="ITransform.Apply"/>.
    /// </summary>
    CropPlan? PlanCrop(long height, long width, TransformContext context);

    /// <summary>
    /// Finishes the transform on <paramref name="region"/>, which holds only the box of <paramref name="plan"/>
    /// (decoded at 1/<paramref name="reduce"/>, 1 &lt;= reduce &lt;= plan.Reduce) with the full image's meta.
    /// </summary>
    Sample ApplyPlanned(Sample region, CropPlan plan, int reduce, TransformContext context);
}

/// <summary>
/// Marks a per-pixel transform that draws nothing from the context and commutes with cropping (dtype casts,
/// intensity scaling, per-channel normalisation), so a crop-aware step after it may be planned first.
/// </summary>
public interface IPointwiseTransform : ITransform;
