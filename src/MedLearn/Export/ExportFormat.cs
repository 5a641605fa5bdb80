namespace MedLearn.Export;

/// <summary>Formats a trained run can be exported to.</summary>
public enum ExportFormat
{
    /// <summary>ONNX (opset 13..17), for ONNX Runtime, TensorRT, OpenVINO and other runtimes.</summary>
    Onnx,

    /// <summary>TorchScript (torch.jit.load in Python, torch::jit::load in C++), written through libtorch's C++ API.</summary>
    TorchScript,
}
