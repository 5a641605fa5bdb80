using System.Globalization;
using MedLearn.Methods.SemiSupervised;

namespace MedLearn.Experiments;

/// <summary>One cell of a label sweep: a labeled fraction, a method and a seed.</summary>
/// <param name="Fraction">Labeled fraction of the training split.</param>
/// <param name="Method">Method.</param>
/// <param name="Seed">Seed (split, labeled subset, weights, batches, augmentation).</param>
public sealed record LabelSweepCell(double Fraction, SemiSupervisedMethod Method, ulong Seed)
{
    /// <summary>The cell's folder name under cells/, e.g. "f0.1-src-mt-seed0".</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"f{Fraction:0.####}-{SemiSupervisedTraining.MethodName(Method)}-seed{Seed}");
}
