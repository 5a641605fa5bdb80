// Tests assert the process-wide live-tensor count and RSS, and libtorch already uses every core:
// run test classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
