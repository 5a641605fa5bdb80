namespace MedLearn.Metrics;

/// <summary>Argument validation shared by the metrics: every failure is an <see cref="ArgumentException"/> naming the offending element.</summary>
internal static class MetricGuard
{
    /// <summary>Tolerance on |row sum - 1| for probability rows (float32 softmax outputs sum to 1 within ~1e-6).</summary>
    public const double RowSumTolerance = 1e-3;

    public static void ClassCount(int classCount, string paramName = "classCount")
    {
        if (classCount < 1) throw new ArgumentOutOfRangeException(paramName, classCount, "the class count must be at least 1");
    }

    public static void NotEmpty(int count, string paramName)
    {
        if (count == 0) throw new ArgumentException("at least one sample is required", paramName);
    }

    public static void SameLength(int a, int b, string nameA, string nameB)
    {
        if (a != b) throw new ArgumentException($"{nameA} and {nameB} have different lengths ({a} vs {b})", nameB);
    }

    /// <summary>Every label lies in 0..classCount-1.</summary>
    public static void Labels(IReadOnlyList<int> labels, int classCount, string paramName)
    {
        ArgumentNullException.ThrowIfNull(labels, paramName);
        for (var i = 0; i < labels.Count; i++)
        {
            var v = labels[i];
            if (v < 0 || v >= classCount)
                throw new ArgumentException($"{paramName}[{i}] = {v} is outside the class range 0..{classCount - 1}", paramName);
        }
    }

    /// <summary>Every label is non-negative (used where no class count is given).</summary>
    public static void NonNegativeLabels(IReadOnlyList<int> labels, string paramName)
    {
        ArgumentNullException.ThrowIfNull(labels, paramName);
        for (var i = 0; i < labels.Count; i++)
            if (labels[i] < 0) throw new ArgumentException($"{paramName}[{i}] = {labels[i]} is negative", paramName);
    }

    /// <summary>Targets and predictions: same non-zero length, labels in range.</summary>
    public static void TargetsAndPredictions(IReadOnlyList<int> targets, IReadOnlyList<int> predictions, int classCount)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(predictions);
        ClassCount(classCount);
        SameLength(targets.Count, predictions.Count, nameof(targets), nameof(predictions));
        NotEmpty(targets.Count, nameof(targets));
        Labels(targets, classCount, nameof(targets));
        Labels(predictions, classCount, nameof(predictions));
    }

    /// <summary>
    /// A probability matrix: at least one row, every row with the same number (at least 2) of columns, every value
    /// finite and in [0, 1] (NaN is rejected with its position), every row summing to 1 within
    /// <see cref="RowSumTolerance"/>. Returns the class count (columns).
    /// </summary>
    public static int Probabilities(double[][] probabilities, string paramName = "probabilities")
    {
        ArgumentNullException.ThrowIfNull(probabilities, paramName);
        NotEmpty(probabilities.Length, paramName);
        var columns = probabilities[0]?.Length ?? throw new ArgumentException($"{paramName}[0] is null", paramName);
        if (columns < 2) throw new ArgumentException($"{paramName} needs at least 2 columns (one per class), got {columns}", paramName);
        for (var i = 0; i < probabilities.Length; i++)
        {
            var row = probabilities[i] ?? throw new ArgumentException($"{paramName}[{i}] is null", paramName);
            if (row.Length != columns)
                throw new ArgumentException($"{paramName}[{i}] has {row.Length} columns, expected {columns} (one per class)", paramName);
            var sum = 0.0;
            for (var j = 0; j < columns; j++)
            {
                var p = row[j];
                if (double.IsNaN(p)) throw new ArgumentException($"{paramName}[{i}][{j}] is NaN", paramName);
                if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{paramName}[{i}][{j}] = {p} is not a probability in [0, 1]", paramName);
                sum += p;
            }
            if (Math.Abs(sum - 1) > RowSumTolerance)
                throw new ArgumentException($"{paramName}[{i}] sums to {sum}, not 1 (pass softmax probabilities, not logits)", paramName);
        }
        return columns;
    }

    /// <summary>Targets against a probability matrix: same length, labels within its columns. Returns the class count.</summary>
    public static int TargetsAndProbabilities(IReadOnlyList<int> targets, double[][] probabilities)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var classCount = Probabilities(probabilities);
        SameLength(targets.Count, probabilities.Length, nameof(targets), nameof(probabilities));
        Labels(targets, classCount, nameof(targets));
        return classCount;
    }

    /// <summary>Binary targets against finite scores (any real values): same non-zero length, no NaN or infinity.</summary>
    public static void Scores(IReadOnlyList<bool> positives, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(scores);
        SameLength(positives.Count, scores.Count, nameof(positives), nameof(scores));
        NotEmpty(scores.Count, nameof(scores));
        for (var i = 0; i < scores.Count; i++)
            if (!double.IsFinite(scores[i])) throw new ArgumentException($"scores[{i}] = {scores[i]} is not finite", nameof(scores));
    }

    /// <summary>A confusion matrix: square, at least 1x1, non-negative counts, at least one sample. Returns its size.</summary>
    public static int Confusion(long[][] confusion, string paramName = "confusion")
    {
        ArgumentNullException.ThrowIfNull(confusion, paramName);
        var c = confusion.Length;
        if (c == 0) throw new ArgumentException("the confusion matrix is empty", paramName);
        long total = 0;
        for (var i = 0; i < c; i++)
        {
            var row = confusion[i] ?? throw new ArgumentException($"{paramName}[{i}] is null", paramName);
            if (row.Length != c) throw new ArgumentException($"{paramName}[{i}] has {row.Length} columns; the matrix must be {c}x{c}", paramName);
            for (var j = 0; j < c; j++)
            {
                if (row[j] < 0) throw new ArgumentException($"{paramName}[{i}][{j}] = {row[j]} is negative", paramName);
                total += row[j];
            }
        }
        if (total == 0) throw new ArgumentException("the confusion matrix counts no samples", paramName);
        return c;
    }
}
