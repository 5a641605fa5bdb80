namespace MedLearn.Data.Loading;

/// <summary>An order of dataset indices per epoch (PyTorch's Sampler).</summary>
public interface ISampler
{
    /// <summary>Number of indices per epoch.</summary>
    int Count { get; }

    /// <summary>The indices of <paramref name="epoch"/>; a pure function of the sampler's settings and the epoch.</summary>
    IEnumerable<int> Indices(int epoch);
}
