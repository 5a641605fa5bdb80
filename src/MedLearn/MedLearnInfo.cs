namespace MedLearn;

/// <summary>Assembly marker for the MedLearn toolkit (data, models, training, methods; built on MedLearn.Torch).</summary>
public static class MedLearnInfo
{
    /// <summary>Toolkit version.</summary>
    public const string Version = "0.1.0";
}
