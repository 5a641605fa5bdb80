namespace MedLearn.Data.Loading;

/// <summary>What the <see cref="DataLoader"/> does when one sample cannot be loaded.</summary>
public enum ErrorPolicy
{
    /// <summary>Stop: the epoch's enumeration throws a <see cref="LoaderException"/> naming the path and the reason.</summary>
    Fail = 0,
    /// <summary>Drop the sample, count it (<see cref="LoaderStatistics.SamplesSkipped"/>, <see cref="DataLoader.SampleSkipped"/>) and fill the batch from the following samples.</summary>
    Skip = 1,
}
