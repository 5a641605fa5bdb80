namespace MedLearn.Methods.Gmic;

/// <summary>The screening columns of one manifest row (null where the manifest has no such column).</summary>
/// <param name="Row">The row number in the CSV (1 = header).</param>
/// <param name="View">"CC" or "MLO".</param>
/// <param name="Laterality">"L" or "R".</param>
/// <param name="Patient">Patient id.</param>
/// <param name="Exam">Exam id.</param>
/// <param name="Reader">A reader's score in [0, 1] (e.g. a radiologist's probability of malignancy), or null.</param>
public sealed record ScreeningImageInfo(int Row, string? View, string? Laterality, string? Patient, string? Exam, double? Reader);
