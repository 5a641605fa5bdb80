using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using MedLearn.Export.Onnx.Schema;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using OnnxTensor = MedLearn.Export.Onnx.Schema.TensorProto;

namespace MedLearn.Export.Onnx;

/// <summary>
/// Builds one ONNX graph while <see cref="IOnnxModuleMapping"/>s walk the model: nodes (named after the module path),
/// initializers (named after the parameter, e.g. <c>layer1.0.conv1.weight</c>, stored as float32) and extra graph
/// outputs. Value names are unique; the builder checks ops against the target opset where a mapping asks it to.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<(string Name, string Value, IReadOnlyList<object> Dims)> _extraOutputs = [];
    private int _counter;

    internal OnnxGraphBuilder(int opset) => Opset = opset;

    /// <summary>The default-domain opset the graph targets.</summary>
    public int Opset { get; }

    internal GraphProto Graph => _graph;

    internal IReadOnlyList<(string Name, string Value, IReadOnlyList<object> Dims)> ExtraOutputs => _extraOutputs;

    /// <summary>Emits <paramref name="module"/> (at <paramref name="path"/>) through its registered mapping.</summary>
    /// <exception cref="OnnxExportException">No mapping for the module's type (the message names the type and the path).</exception>
    public string Emit(Module module, string path, string input)
    {
        ArgumentNullException.ThrowIfNull(module);
        var mapping = OnnxModuleMappings.Find(module)
            ?? throw new OnnxExportException(
                $"no ONNX mapping for module type '{module.TypeName}' at '{(path.Length == 0 ? "(the model itself)" : path)}': add an IOnnxModuleMapping for it (docs/models.md, \"Exporting and deploying\")");
        return mapping.Emit(this, module, path, input);
    }

    /// <summary>Emits the direct child <paramref name="name"/> of <paramref name="parent"/> (at <paramref name="parentPath"/>).</summary>
    public string EmitChild(Module parent, string parentPath, string name, string input)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return Emit(parent.GetSubmodule(name), Join(parentPath, name), input);
    }

    /// <summary>Whether <paramref name="parent"/> has a direct child <paramref name="name"/>.</summary>
    public static bool HasChild(Module parent, string name) =>
        parent is not null && parent.NamedChildren().Any(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>"a.b" from "a" and "b" ("b" when <paramref name="prefix"/> is empty).</summary>
    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>
    /// Adds a node of <paramref name="opType"/> (default domain) and returns the name of its single output. Attribute
    /// values may be long, int, double, float, string, long[] or float[].
    /// </summary>
    public string Node(string opType, string path, IReadOnlyList<string> inputs, params (string Name, object Value)[] attributes) =>
        NodeWithOutputs(opType, path, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs and returns their names.</summary>
    public IReadOnlyList<string> NodeWithOutputs(string opType, string path, IReadOnlyList<string> inputs, int outputCount, params (string Name, object Value)[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        var baseName = (path.Length == 0 ? "" : path + "/") + opType;
        var node = new NodeProto { OpType = opType, Name = Unique(baseName) };
        node.Input.AddRange(inputs);
        var outputs = new string[outputCount];
        for (var i = 0; i < outputCount; i++) outputs[i] = Unique(baseName + "_out" + (outputCount == 1 ? "" : i.ToString(CultureInfo.InvariantCulture)));
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>
    /// Adds <paramref name="tensor"/> as a float32 initializer named <paramref name="name"/> (made unique) and returns
    /// the name. The values are copied (any dtype, device or layout).
    /// </summary>
    public string Initializer(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var values = tensor.Detach().To(DType.Float32, Device.CPU).Contiguous().ToArray<float>();
        return Initializer(name, values, tensor.Shape);
    }

    /// <summary>Adds a float32 initializer of <paramref name="dims"/> from <paramref name="values"/> and returns its name.</summary>
    public string Initializer(string name, float[] values, IReadOnlyList<long> dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        var proto = new OnnxTensor { Name = Unique(name), DataType = (int)OnnxTensor.Types.DataType.Float };
        proto.Dims.AddRange(dims);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>Adds an int64 initializer (shapes, axes) and returns its name.</summary>
    public string Int64Initializer(string name, long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var proto = new OnnxTensor { Name = Unique(name), DataType = (int)OnnxTensor.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>A scalar float32 constant (an initializer of shape []).</summary>
    public string Scalar(string name, float value) => Initializer(name, [value], []);

    /// <summary>
    /// Declares <paramref name="value"/> as an additional graph output <paramref name="name"/> (after the model's main
    /// output), e.g. the signed-distance map of a dual-task network. <paramref name="dims"/>: long for a fixed size,
    /// string for a symbolic one ("batch").
    /// </summary>
    public void AddOutput(string name, string value, IReadOnlyList<object> dims) => _extraOutputs.Add((name, value, dims));

    /// <summary>Throws unless <paramref name="condition"/> holds, naming the module type and path and what is unsupported.</summary>
    /// <exception cref="OnnxExportException">The condition is false.</exception>
    public static void Require(bool condition, Module module, string path, string what)
    {
        if (!condition)
            throw new OnnxExportException($"cannot export '{module?.TypeName}' at '{(path.Length == 0 ? "(the model itself)" : path)}' to ONNX: {what}");
    }

    /// <summary><paramref name="values"/> repeated to <paramref name="n"/> entries when it has one (PyTorch's int-or-tuple arguments).</summary>
    public static long[] Expand(IReadOnlyList<long> values, int n) =>
        values.Count == n ? [.. values] : values.Count == 1 ? Enumerable.Repeat(values[0], n).ToArray()
            : throw new ArgumentException($"expected 1 or {n} values, got {values.Count}");

    /// <summary>ONNX pads (all begins, then all ends) for symmetric PyTorch padding.</summary>
    public static long[] Pads(IReadOnlyList<long> padding, int n)
    {
        var p = Expand(padding, n);
        return [.. p, .. p];
    }

    private string Unique(string name)
    {
        var candidate = name;
        while (!_names.Add(candidate)) candidate = name + "_" + (++_counter).ToString(CultureInfo.InvariantCulture);
        return candidate;
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case bool b: a.Type = AttributeProto.Types.AttributeType.Int; a.I = b ? 1 : 0; break;
            case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
            case float[] fs: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(fs); break;
            default: throw new ArgumentException($"attribute '{name}': unsupported value type {value?.GetType().Name ?? "null"}", nameof(value));
        }
        return a;
    }
}
