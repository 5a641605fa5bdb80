using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Methods.Segmentation;

/// <summary>The outcome of <see cref="SegmentationTraining.Run"/>.</summary>
/// <param name="Run">The run folder (model.pt, history.csv, test_cases.csv, predictions/, metrics.json).</param>
/// <param name="Training">The trainer's result.</param>
/// <param name="Iterations">Optimiser steps taken.</param>
/// <param name="TestCases">Per-case metrics of the held-out volumes.</param>
public sealed record SegmentationRun(RunDirectory Run, TrainingResult Training, long Iterations, IReadOnlyList<SegmentationCaseResult> TestCases);
