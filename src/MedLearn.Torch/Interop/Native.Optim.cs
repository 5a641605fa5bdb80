using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/optim.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static unsafe partial void ml_sgd_step(IntPtr* parameters, IntPtr* momentumBuffers, int* stepped, long n, double lr, double momentum, double dampening, double weightDecay, int nesterov, int maximize);
    [LibraryImport(Lib)] internal static unsafe partial void ml_adam_step(IntPtr* parameters, IntPtr* expAvgs, IntPtr* expAvgSqs, IntPtr* maxExpAvgSqs, double* steps, int* stepped, long n, double lr, double beta1, double beta2, double eps, double weightDecay, int amsgrad, int maximize, int decoupledWeightDecay);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_clip_grad_norm_(IntPtr* parameters, long n, double maxNorm, double normType, int errorIfNonfinite, out int nonfinite);
    [LibraryImport(Lib)] internal static unsafe partial void ml_clip_grad_value_(IntPtr* parameters, long n, double clipValue);
    [LibraryImport(Lib)] internal static unsafe partial void ml_zero_grad(IntPtr* parameters, long n, int setToNone);
}
