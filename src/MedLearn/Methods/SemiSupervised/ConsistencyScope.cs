namespace MedLearn.Methods.SemiSupervised;

/// <summary>Which samples of a batch the consistency losses are computed over.</summary>
public enum ConsistencyScope
{
    /// <summary>Every sample of the batch, labeled and unlabeled (the reference: B = whole batch).</summary>
    WholeBatch,

    /// <summary>Only the unlabeled samples of the batch.</summary>
    Unlabeled,
}
