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
    private readonly Dictionary<string, long[]> _shapes = new(StringComparer.Ordinal);
    private int _counter;

    // Ops whose output has the rank of their first input (element-wise ops, normalisations, Conv, pooling, Transpose...).
    private static readonly HashSet<string> s_rankPreserving = new(StringComparer.Ordinal)
    {
        "Add", "Sub", "Mul", "Div", "Relu", "Sigmoid", "Tanh", "Erf", "LeakyRelu", "Elu", "HardSigmoid", "HardSwish", "Softmax", "LogSoftmax",
        "BatchNormalization", "InstanceNormalization", "LayerNormalization", "Conv", "ConvTranspose", "MaxPool", "AveragePool",
        "GlobalAveragePool", "GlobalMaxPool", "Transpose", "Concat", "Pad", "Slice", "Identity", "MatMul",
    };

    internal OnnxGraphBuilder(int opset, IReadOnlyList<object>? inputDims = null, string inputName = "input")
    {
        Opset = opset;
        InputDims = inputDims ?? [];
        if (inputDims is not null) _shapes[inputName] = [.. inputDims.Select(d => d is long l ? l : d is int i ? i : -1L)];
    }

    /// <summary>The default-domain opset the graph targets.</summary>
    public int Opset { get; }

    /// <summary>The declared dimensions of the graph input (long = fixed, string = symbolic), empty when unknown.</summary>
    public IReadOnlyList<object> InputDims { get; }

    /// <summary>
    /// What the builder knows of <paramref name="value"/>'s shape: one entry per axis, −1 where the size is dynamic or
    /// unknown; null when not even the rank is known. Known for the graph input, for outputs of rank-preserving ops of a
    /// value of known rank (ranks only), and wherever a mapping declared it with <see cref="SetShape"/>.
    /// </summary>
    public IReadOnlyList<long>? Shape(string value) => _shapes.TryGetValue(value, out var s) ? s : null;

    /// <summary>Declares <paramref name="value"/>'s shape (−1 for a dynamic axis such as the batch) and returns the value.</summary>
    public string SetShape(string value, params long[] dims)
    {
        _shapes[value] = dims;
        return value;
    }

    /// <summary>The static spatial sizes of <paramref name="value"/> on <paramref name="axes"/>, or an export error naming the module when any is unknown.</summary>
    /// <exception cref="OnnxExportException">A size is dynamic or unknown (export with fixed height and width).</exception>
    public long[] RequireStatic(string value, Module module, string path, params int[] axes)
    {
        var shape = Shape(value);
        var dims = axes.Select(a => shape is null || a >= shape.Count ? -1 : shape[a]).ToArray();
        Require(dims.All(d => d > 0), module, path, "needs fixed input height and width (its windows and masks depend on them); export with numeric InputDims");
        return dims;
    }

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
        if (outputCount == 1 && inputs.Count > 0 && s_rankPreserving.Contains(opType) && Shape(inputs[0]) is { } first)
            _shapes[outputs[0]] = Enumerable.Repeat(-1L, first.Count).ToArray();
        else if (opType is "Gemm" or "Flatten") _shapes[outputs[0]] = [-1, -1];
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
    public string Int64Initializer(string name, long[] values) => Int64Initializer(name, values, [values?.Length ?? 0]);

    /// <summary>Adds an int64 initializer of <paramref name="dims"/> (e.g. [] for a scalar index) and returns its name.</summary>
    public string Int64Initializer(string name, long[] values, IReadOnlyList<long> dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        var proto = new OnnxTensor { Name = Unique(name), DataType = (int)OnnxTensor.Types.DataType.Int64 };
        proto.Dims.AddRange(dims);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>Reshape of <paramref name="input"/> to <paramref name="dims"/> (0 copies the input's size, −1 is inferred); the output's rank is recorded.</summary>
    public string Reshape(string path, string input, params long[] dims) =>
        SetShape(Node("Reshape", path, [input, Int64Initializer(path + ".shape", dims)]), [.. dims.Select(d => d > 0 ? d : -1)]);

    /// <summary>Transpose of <paramref name="input"/> by <paramref name="perm"/>, with the known sizes permuted along.</summary>
    public string Transpose(string path, string input, params long[] perm)
    {
        var output = Node("Transpose", path, [input], ("perm", perm));
        if (Shape(input) is { } s && s.Count == perm.Length) SetShape(output, [.. perm.Select(p => s[(int)p])]);
        return output;
    }

    /// <summary>Slice of <paramref name="input"/>: [starts, ends) with <paramref name="steps"/> (default 1) on <paramref name="axes"/> (long.MaxValue = to the end).</summary>
    public string Slice(string path, string input, long[] starts, long[] ends, long[] axes, long[]? steps = null)
    {
        List<string> inputs = [input, Int64Initializer(path + ".starts", starts), Int64Initializer(path + ".ends", ends), Int64Initializer(path + ".axes", axes)];
        if (steps is not null) inputs.Add(Int64Initializer(path + ".steps", steps));
        return Node("Slice", path, inputs);
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
