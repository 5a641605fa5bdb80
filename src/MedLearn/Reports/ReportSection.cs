namespace MedLearn.Reports;

/// <summary>
/// An extra section appended to a report by a feature the page does not know about (explanations,
/// semi-supervised comparisons, ...). The fragment is inserted verbatim: the producer is responsible for escaping
/// its text (<see cref="Markup.Escape"/>) and must embed images as data: URIs and charts as inline SVG.
/// </summary>
/// <param name="Title">Section heading (escaped by the page).</param>
/// <param name="Html">Raw, trusted HTML body of the section.</param>
public sealed record ReportSection(string Title, string Html);
