using MedLearn.Export.Onnx.Schema;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using Google.Protobuf;

namespace MedLearn.Export.Onnx;

/// <summary>
/// Writes a MedLearn network as an ONNX model (IR version 8) from its module graph: every module is written by the
/// <see cref="IOnnxModuleMapping"/> registered for its type (<see cref="OnnxModuleMappings"/>), parameters and
/// buffers become float32 initializers named as in the state dict, batch norms become BatchNormalization nodes with
/// their running statistics (ONNX Runtime fuses them into the convolutions when it loads the model). The graph is
/// the evaluation-mode forward pass: the model is switched to <c>Eval()</c>; dropout disappears. No Python and no
/// libtorch exporter is involved: the file is built with the ONNX protobuf schema (Export/Onnx/Schema/onnx.proto).
/// </summary>
public static class OnnxExporter
{
    /// <summary>Opset written unless asked otherwise (the newest of ONNX 1.12, IR version 8).</summary>
    public const int DefaultOpset = 17;

    /// <summary>Oldest opset the mappings are written for (Gemm, Conv, BatchNormalization with their opset-13 forms).</summary>
    public const int MinOpset = 13;

    /// <summary>Newest opset the schema (ONNX 1.12, IR version 8) covers.</summary>
    public const int MaxOpset = 17;

    /// <summary>ONNX IR version of the files written (IR 8 = ONNX 1.10 to 1.12).</summary>
    public const long IrVersion = 8;

    /// <summary>The serialized ONNX model of <paramref name="model"/>.</summary>
    /// <exception cref="OnnxExportException">A module has no mapping or an unsupported configuration (names type and path).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The opset is outside <see cref="MinOpset"/>..<see cref="MaxOpset"/>.</exception>
    public static byte[] ToBytes(Module model, OnnxExportOptions options) => Build(model, options).ToByteArray();

    /// <summary>Writes the ONNX model of <paramref name="model"/> to <paramref name="path"/> atomically (temporary file + rename); nothing is written on error.</summary>
    /// <exception cref="OnnxExportException">A module has no mapping or an unsupported configuration (names type and path).</exception>
    public static void Export(Module model, string path, OnnxExportOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToBytes(model, options);
        AtomicText.Write(path, bytes);
    }

    internal static ModelProto Build(Module model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Opset is < MinOpset or > MaxOpset)
            throw new ArgumentOutOfRangeException(nameof(options), options.Opset, $"--opset: ONNX opset {options.Opset} is not supported; use {MinOpset}..{MaxOpset} (default {DefaultOpset})");
        model.Eval();
        var builder = new OnnxGraphBuilder(options.Opset, options.InputDims, options.InputName);
        string output;
        using (DisposeScope.Open())
        using (GradMode.NoGrad())
            output = builder.Emit(model, "", options.InputName);

        var graph = builder.Graph;
        graph.Name = options.GraphName ?? model.TypeName;
        graph.Input.Add(ValueInfo(options.InputName, options.InputDims));
        // The main output gets its declared name through an Identity (a mapping names values after module paths).
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = "output/" + options.OutputName, Input = { output }, Output = { options.OutputName } });
        graph.Output.Add(ValueInfo(options.OutputName, options.OutputDims));
        foreach (var (name, value, dims) in builder.ExtraOutputs)
        {
            graph.Node.Add(new NodeProto { OpType = "Identity", Name = "output/" + name, Input = { value }, Output = { name } });
            graph.Output.Add(ValueInfo(name, dims));
        }

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "MedLearn",
            ProducerVersion = MedLearnInfo.Version,
            Graph = graph,
            DocString = options.Description ?? "",
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (key, value) in options.Metadata) proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return proto;
    }

    private static ValueInfoProto ValueInfo(string name, IReadOnlyList<object> dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                string s => new TensorShapeProto.Types.Dimension { DimParam = s },
                long l => new TensorShapeProto.Types.Dimension { DimValue = l },
                int i => new TensorShapeProto.Types.Dimension { DimValue = i },
                _ => throw new ArgumentException($"dimension of '{name}': expected a long or a symbolic name, got {d?.GetType().Name ?? "null"}"),
            });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
