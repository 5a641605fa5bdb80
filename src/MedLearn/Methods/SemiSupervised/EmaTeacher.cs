using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// The exponential-moving-average (EMA) teacher update of the mean teacher, applied after optimiser step t
/// (0-based): <c>a = min(1 − 1/(t + 1), decay)</c>, then <c>θ_T ← a · θ_T + (1 − a) · θ_S</c> for every parameter.
/// </summary>
/// <remarks>
/// <para>Warm-up: a = 0 after the first step (the teacher becomes a copy of the student), 1/2 after the second,
/// 2/3 after the third, ..., until 1 − 1/(t + 1) reaches <c>decay</c> (t = 99 for 0.99).</para>
/// <para>Buffers follow <see cref="BatchNormBufferPolicy"/> (default: not averaged, as the reference code).</para>
/// <para>Teacher and student must have the same parameter and buffer names and shapes (same architecture); the
/// update runs in place under no-grad, so the teacher's tensors keep their identity (and memory format).</para>
/// </remarks>
public static class EmaTeacher
{
    /// <summary>The default decay (0.99).</summary>
    public const double DefaultDecay = 0.99;

    /// <summary>The averaging weight of the teacher after optimiser step <paramref name="step"/> (0-based): min(1 − 1/(t + 1), decay).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative step, or a decay outside [0, 1].</exception>
    public static double Alpha(long step, double decay = DefaultDecay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (decay is < 0 or > 1 || double.IsNaN(decay)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "EMA decay must be in [0, 1]");
        return Math.Min(1.0 - 1.0 / (step + 1), decay);
    }

    /// <summary>Updates <paramref name="teacher"/> towards <paramref name="student"/> after optimiser step <paramref name="step"/>.</summary>
    /// <param name="teacher">The EMA model (updated in place).</param>
    /// <param name="student">The optimised model (read only).</param>
    /// <param name="step">0-based optimiser step just taken.</param>
    /// <param name="decay">Upper bound of the averaging weight.</param>
    /// <param name="buffers">What happens to buffers.</param>
    /// <returns>The averaging weight a that was used.</returns>
    /// <exception cref="ArgumentException">The two models' parameters or buffers differ in names or shapes.</exception>
    public static double Update(Module teacher, Module student, long step, double decay = DefaultDecay, BatchNormBufferPolicy buffers = BatchNormBufferPolicy.NotAveraged)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        var a = Alpha(step, decay);
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        foreach (var (t, s) in Pairs(teacher.NamedParameters(), student.NamedParameters(), "parameter"))
            t.Mul_(a).Add_(s, 1.0 - a);
        if (buffers == BatchNormBufferPolicy.NotAveraged) return a;
        foreach (var (t, s) in Pairs(teacher.NamedBuffers(), student.NamedBuffers(), "buffer"))
        {
            if (buffers == BatchNormBufferPolicy.Averaged && t.DType.IsFloatingPoint()) t.Mul_(a).Add_(s, 1.0 - a);
            else t.CopyFrom(s);
        }
        return a;
    }

    private static List<(Tensor Teacher, Tensor Student)> Pairs(IEnumerable<(string Name, Tensor Tensor)> teacher, IEnumerable<(string Name, Tensor Tensor)> student, string kind)
    {
        var t = teacher.ToList();
        var s = student.ToList();
        if (t.Count != s.Count)
            throw new ArgumentException($"teacher and student differ: {t.Count} vs {s.Count} {kind}s (they must be the same architecture)");
        var result = new List<(Tensor, Tensor)>(t.Count);
        for (var i = 0; i < t.Count; i++)
        {
            if (t[i].Name != s[i].Name || !t[i].Tensor.Shape.SequenceEqual(s[i].Tensor.Shape))
                throw new ArgumentException($"teacher and student differ at {kind} {i}: '{t[i].Name}' [{string.Join(", ", t[i].Tensor.Shape)}] vs '{s[i].Name}' [{string.Join(", ", s[i].Tensor.Shape)}]");
            result.Add((t[i].Tensor, s[i].Tensor));
        }
        return result;
    }
}
