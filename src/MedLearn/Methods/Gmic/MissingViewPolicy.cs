namespace MedLearn.Methods.Gmic;

/// <summary>What breast-level aggregation does with a breast that lacks its CC or its MLO view (setting <c>missing-views</c>).</summary>
public enum MissingViewPolicy
{
    /// <summary>Refuse, naming the manifest, the exam, the breast and the missing view (default).</summary>
    Fail,

    /// <summary>Leave the breast out of the breast-level metrics (counted as skipped).</summary>
    Skip,

    /// <summary>Use the view that is present as the breast's prediction.</summary>
    Available,
}
