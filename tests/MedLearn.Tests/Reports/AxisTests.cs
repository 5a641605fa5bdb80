using MedLearn.Reports.Charts;

namespace MedLearn.Tests.Reports;

public class AxisTests
{
    [Theory]
    [InlineData(0.7, false, 1.0)]
    [InlineData(1.0, false, 1.0)]
    [InlineData(1.01, false, 2.0)]
    [InlineData(4.2, false, 5.0)]
    [InlineData(5.2, false, 10.0)]
    [InlineData(0.0013, false, 0.002)]
    [InlineData(1.4, true, 1.0)]
    [InlineData(2.9, true, 2.0)]
    [InlineData(3.2, true, 5.0)]
    [InlineData(7.5, true, 10.0)]
    [InlineData(0.033, true, 0.05)]
    [InlineData(1234, true, 1000)]
    public void NiceNumbersAreOneTwoFiveTimesPowersOfTen(double x, bool round, double expected) =>
        Assert.Equal(expected, NiceNumbers.Nice(x, round), 12);

    [Fact]
    public void LinearTicksAreNiceEvenlySpacedAndCoverTheData()
    {
        var rng = new Random(1234);
        for (var i = 0; i < 3000; i++)
        {
            var scale = Math.Pow(10, rng.Next(-6, 7));
            var a = (rng.NextDouble() * 2 - 1) * scale;
            var b = a + rng.NextDouble() * scale * (rng.Next(2) == 0 ? 1 : 0.01);
            if (b == a) continue;
            var axis = Axis.Linear(a, b, targetTicks: 5);
            var t = axis.Ticks;
            Assert.True(t[0] <= a && t[^1] >= b, $"[{a}, {b}]: ticks {t[0]} .. {t[^1]} do not cover the data");
            Assert.Equal(t[0], axis.Min);
            Assert.Equal(t[^1], axis.Max);
            Assert.True(t.Count is >= 3 and <= 8, $"[{a}, {b}]: {t.Count} ticks {string.Join(", ", t)}");
            var step = t[1] - t[0];
            var exponent = Math.Floor(Math.Log10(step) + 1e-9);
            var mantissa = step / Math.Pow(10, exponent);
            Assert.True(new[] { 1.0, 2.0, 5.0 }.Any(m => Math.Abs(mantissa - m) < 1e-6), $"step {step} is not 1/2/5 x 10^k");
            var nice = Math.Round(mantissa) * Math.Pow(10, exponent);
            for (var k = 1; k < t.Count; k++)
                Assert.True(Math.Abs(t[k] - t[k - 1] - step) <= 1e-9 * Math.Max(1, Math.Abs(t[k])) + step * 1e-9, $"uneven ticks {string.Join(", ", t)}");
            foreach (var v in t)
                Assert.True(Math.Abs(v / nice - Math.Round(v / nice)) < 1e-6 * Math.Max(1, Math.Abs(v / nice)), $"tick {v} is not a multiple of {nice}");
            Assert.True(axis.Max - axis.Min <= 3 * (b - a), $"[{a}, {b}] -> [{axis.Min}, {axis.Max}] wastes too much room");
        }
    }

    [Fact]
    public void TickLabelsAreExactDecimals()
    {
        var axis = Axis.Linear(0, 0.3, targetTicks: 4);
        Assert.Equal(["0", "0.1", "0.2", "0.3"], axis.Ticks.Select(axis.Format));
        var epochs = Axis.Linear(1, 12, targetTicks: 6, integerSteps: true);
        Assert.Equal(["0", "2", "4", "6", "8", "10", "12"], epochs.Ticks.Select(epochs.Format));
        var negative = Axis.Linear(-0.25, 0.05, targetTicks: 4);
        Assert.Equal(["-0.3", "-0.2", "-0.1", "0", "0.1"], negative.Ticks.Select(negative.Format));
        var big = Axis.Linear(0, 3e6, targetTicks: 4);
        Assert.Equal(["0", "1e6", "2e6", "3e6"], big.Ticks.Select(big.Format));
    }

    [Fact]
    public void IntegerStepsNeverGoBelowOne()
    {
        var axis = Axis.Linear(1, 3, targetTicks: 8, integerSteps: true);
        Assert.Equal([1.0, 2.0, 3.0], axis.Ticks);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-3)]
    [InlineData(1e6)]
    public void ZeroWidthRangeIsWidenedAroundTheValue(double v)
    {
        var axis = Axis.Linear(v, v);
        Assert.True(axis.Min < v && axis.Max > v);
        Assert.InRange(axis.Fraction(v), 0.2, 0.8);
    }

    [Fact]
    public void DegenerateInputsFallBackToUnitRange()
    {
        Assert.Equal((0.0, 1.0), (Axis.Linear(0, 0).Min, Axis.Linear(0, 0).Max));
        Assert.Equal((0.0, 1.0), (Axis.Linear(double.NaN, 3).Min, Axis.Linear(double.NaN, 3).Max));
        var swapped = Axis.Linear(10, 0);
        Assert.Equal((0.0, 10.0), (swapped.Min, swapped.Max));
    }

    [Fact]
    public void LogAxisRunsOverWholeDecades()
    {
        var axis = Axis.Logarithmic(0.003, 2);
        Assert.True(axis.IsLog);
        Assert.Equal(0.001, axis.Min, 15);
        Assert.Equal(10, axis.Max, 12);
        Assert.Equal([0.001, 0.01, 0.1, 1, 10], axis.Ticks.Select(t => Math.Round(t, 6)));
        Assert.Equal(0.25, axis.Fraction(0.01), 12);
        Assert.Equal(0.75, axis.Fraction(1), 12);
        Assert.True(double.IsNaN(axis.Fraction(0)));
        Assert.Equal(["0.001", "0.01", "0.1", "1", "10"], axis.Ticks.Select(axis.Format));

        var narrow = Axis.Logarithmic(2, 30); // two decades: 1, 2, 5 per decade
        Assert.Equal([1.0, 2, 5, 10, 20, 50, 100], narrow.Ticks);
        var tiny = Axis.Logarithmic(3e-7, 1e-5);
        Assert.Equal(["1e-7", "2e-7", "5e-7", "1e-6", "2e-6", "5e-6", "1e-5"], tiny.Ticks.Select(tiny.Format));
    }

    [Fact]
    public void FixedAxisHasExactTicks()
    {
        var axis = Axis.Fixed(0, 1, 0.2);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], axis.Ticks);
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"], axis.Ticks.Select(axis.Format));
    }

    [Fact]
    public void ColoursPickTheMoreReadableText()
    {
        Assert.Equal(Colour.White, Colour.Parse("#08306b").ContrastingText());
        Assert.Equal(Colour.DarkText, Colour.Parse("#f7fbff").ContrastingText());
        Assert.Equal(0.0, new Colour(0, 0, 0).RelativeLuminance, 12);
        Assert.Equal(1.0, Colour.White.RelativeLuminance, 12);
        Assert.Equal(21.0, Colour.Contrast(0, 1), 12);
        Assert.Equal("#f7fbff", ColourMap.Blues.At(0).Hex);
        Assert.Equal("#08306b", ColourMap.Blues.At(1).Hex);
        Assert.Equal("#f7fbff", ColourMap.Blues.At(double.NaN).Hex);
        Assert.Equal(ColourMap.Categorical(0), ColourMap.Categorical(10));
    }
}
