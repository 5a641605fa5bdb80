namespace MedLearn.Models;

/// <summary>
/// A weights file does not fit the model (e.g. a DenseNet file loaded into a ResNet). The message summarises
/// the missing and unexpected keys and shape mismatches (counts and the first few of each); <see cref="Report"/>
/// has the full lists. The model is unchanged.
/// </summary>
public sealed class PretrainedWeightsException(string message, WeightsImportReport report) : ArgumentException(message)
{
    /// <summary>Everything that did not match (nothing was loaded).</summary>
    public WeightsImportReport Report { get; } = report;
}
