using System.Collections;

namespace MedLearn.Torch;

/// <summary>
/// A component whose state travels in checkpoints as a PyTorch-compatible nested value, the way Python's
/// <c>optimizer.state_dict()</c> / <c>scheduler.state_dict()</c> do.
/// </summary>
/// <remarks>
/// Nested values are: null, bool, long, double, string, <see cref="Tensor"/>, <see cref="IList"/> (lists and
/// tuples) and <see cref="IDictionary"/> whose keys are strings or integers. <see cref="StateDict"/> returns
/// <c>OrderedDictionary&lt;object, object?&gt;</c> trees. <see cref="LoadStateDict"/> must accept what the
/// checkpoint reader returns: any IDictionary/IList, integers as long or int, reals as double, tensors of any
/// dtype (convert as needed). Tensors in a state dict belong to the caller's dispose scope.
/// </remarks>
public interface IStateful
{
    /// <summary>The component's state as a nested value.</summary>
    OrderedDictionary<object, object?> StateDict();

    /// <summary>Restores a state produced by <see cref="StateDict"/> (possibly after a save/load round trip).</summary>
    void LoadStateDict(IDictionary state);
}
