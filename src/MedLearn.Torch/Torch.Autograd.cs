using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

public static partial class Torch
{
    /// <summary>Functional autograd (torch.autograd).</summary>
    public static class Autograd
    {
        /// <summary>
        /// torch.autograd.grad: the gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, without
        /// touching any .grad field. <paramref name="gradOutputs"/> gives d(loss)/d(output) per output (null entries or a
        /// null list: ones, only valid for scalar outputs). An input the outputs do not depend on gets null. The graph is
        /// freed unless <paramref name="retainGraph"/> or <paramref name="createGraph"/>; with <paramref name="createGraph"/>
        /// the results are themselves differentiable (higher-order gradients).
        /// </summary>
        public static unsafe Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs,
            IReadOnlyList<Tensor?>? gradOutputs = null, bool retainGraph = false, bool createGraph = false)
        {
            if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
                throw new ArgumentException($"{gradOutputs.Count} grad outputs given for {outputs.Count} outputs", nameof(gradOutputs));
            var outs = Tensor.RawHandles(outputs);
            var ins = Tensor.RawHandles(inputs);
            var gos = gradOutputs is null ? null : Tensor.RawHandles(gradOutputs);
            IntPtr array;
            long count;
            fixed (IntPtr* o = outs)
            fixed (IntPtr* i = ins)
            fixed (IntPtr* g = gos)
                array = Native.ml_autograd_grad(o, outs.Length, i, ins.Length, g, retainGraph ? 1 : 0, createGraph ? 1 : 0, out count);
            GC.KeepAlive(outputs);
            GC.KeepAlive(inputs);
            GC.KeepAlive(gradOutputs);
            var wrapped = Tensor.WrapArray(array, count);
            var result = new Tensor?[wrapped.Length];
            for (var k = 0; k < wrapped.Length; k++)
            {
                if (Native.ml_tensor_defined(wrapped[k].Handle) != 0) result[k] = wrapped[k];
                else wrapped[k].Dispose();
            }
            return result;
        }

        /// <summary>d(output)/d(input) for one output and one input (see the list overload); null if unrelated.</summary>
        public static Tensor? Grad(Tensor output, Tensor input, Tensor? gradOutput = null, bool retainGraph = false, bool createGraph = false) =>
            Grad([output], [input], gradOutput is null ? null : [gradOutput], retainGraph, createGraph)[0];
    }
}
