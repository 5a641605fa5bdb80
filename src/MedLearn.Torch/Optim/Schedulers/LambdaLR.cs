using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Learning rate = base_lr * lambda(epoch) (torch.optim.lr_scheduler.LambdaLR), with one function for all groups
/// or one per group. The functions are not part of the state dict (PyTorch stores None for plain functions).
/// </summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<int, double>[] _lambdas;

    /// <summary>One factor function for every group.</summary>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Repeat(optimizer, lrLambda), lastEpoch) { }

    /// <summary>One factor function per group.</summary>
    /// <exception cref="ArgumentException">the number of functions differs from the number of groups.</exception>
    public LambdaLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambdas, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(lrLambdas);
        if (lrLambdas.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Count}", nameof(lrLambdas));
        _lambdas = [.. lrLambdas];
        InitialStep();
    }

    private static Func<int, double>[] Repeat(Optimizer optimizer, Func<int, double> f)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(f);
        return [.. Enumerable.Repeat(f, optimizer.ParamGroups.Count)];
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var result = new double[BaseLrs.Count];
        for (var i = 0; i < result.Length; i++) result[i] = BaseLrs[i] * _lambdas[i](LastEpoch);
        return result;
    }

    /// <summary>PyTorch's layout with <c>lr_lambdas</c> last (null per group).</summary>
    public override OrderedDictionary<object, object?> StateDict()
    {
        var d = base.StateDict();
        d["lr_lambdas"] = Enumerable.Repeat<object?>(null, _lambdas.Length).ToList();
        return d;
    }
}
