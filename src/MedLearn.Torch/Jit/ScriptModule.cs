using System.Runtime.InteropServices;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Jit;

/// <summary>
/// A TorchScript module (libtorch's <c>torch::jit::Module</c>): built member by member (parameters, buffers and child
/// modules under their state-dict names, a <c>forward</c> compiled from TorchScript source with <see cref="Define"/>)
/// and saved in the archive format Python's <c>torch.jit.load</c> reads; or loaded from such a file and run.
/// The module holds its own references to registered tensors and children: disposing them afterwards is safe.
/// </summary>
public sealed class ScriptModule : IDisposable
{
    private readonly ScriptModuleHandle _handle;

    private ScriptModule(IntPtr native)
    {
        if (native == IntPtr.Zero) throw Native.ThrowLastError();
        _handle = new ScriptModuleHandle(native);
    }

    /// <summary>A new empty module whose TorchScript class is <paramref name="qualifiedName"/> (e.g. <c>__torch__.medlearn.Conv2d_3</c>); every module written to one file needs its own class name.</summary>
    public static ScriptModule Create(string qualifiedName)
    {
        ArgumentException.ThrowIfNullOrEmpty(qualifiedName);
        Native.EnsureLoaded();
        return new ScriptModule(Native.ml_jit_module_new(qualifiedName));
    }

    /// <summary>Loads a TorchScript file on the CPU, reading the extra files named in <paramref name="extraFiles"/> (absent ones are left out of the result).</summary>
    /// <exception cref="TorchException">The file is not a TorchScript archive (libtorch's message).</exception>
    public static ScriptModule Load(string path, IReadOnlyList<string> extraFiles, out IReadOnlyDictionary<string, string> extraContents)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(extraFiles);
        Native.EnsureLoaded();
        var names = extraFiles.ToArray();
        var contents = new IntPtr[names.Length];
        var module = new ScriptModule(Native.ml_jit_load(path, names, contents, names.Length));
        var read = new Dictionary<string, string>();
        for (var i = 0; i < names.Length; i++)
        {
            if (contents[i] == IntPtr.Zero) continue;
            read[names[i]] = Marshal.PtrToStringUTF8(contents[i]) ?? "";
            Native.ml_free(contents[i]);
        }
        extraContents = read;
        return module;
    }

    private ScriptModuleHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    /// <summary>Registers a parameter (in the state dict; a detached alias of <paramref name="value"/>).</summary>
    public void RegisterParameter(string name, Tensor value) => RegisterTensor(name, value, isParameter: true, persistent: true);

    /// <summary>Registers a buffer; a non-persistent one becomes a tensor attribute left out of the state dict.</summary>
    public void RegisterBuffer(string name, Tensor value, bool persistent = true) => RegisterTensor(name, value, isParameter: false, persistent);

    private void RegisterTensor(string name, Tensor value, bool isParameter, bool persistent)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Native.ml_jit_module_register_tensor(Handle, name, value.Handle, isParameter ? 1 : 0, persistent ? 1 : 0);
        Native.Check();
    }

    /// <summary>Registers <paramref name="child"/> as the submodule <paramref name="name"/> (define the child's methods first).</summary>
    public void RegisterModule(string name, ScriptModule child)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(child);
        Native.ml_jit_module_register_module(Handle, name, child.Handle);
        Native.Check();
    }

    /// <summary>Registers a string attribute (readable in Python as <c>module.name</c>).</summary>
    public void RegisterString(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Native.ml_jit_module_register_string(Handle, name, value);
        Native.Check();
    }

    /// <summary>Compiles TorchScript source (one or more <c>def</c>s over <c>self</c>'s members) into the module's class.</summary>
    /// <exception cref="TorchException">The source does not compile (libtorch's message, with the offending line).</exception>
    public void Define(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Native.ml_jit_module_define(Handle, source);
        Native.Check();
    }

    /// <summary>Switches the module and its children to evaluation mode (their <c>training</c> flag).</summary>
    public void Eval()
    {
        Native.ml_jit_module_eval(Handle);
        Native.Check();
    }

    /// <summary>Saves the module to <paramref name="path"/> with extra files (name → content) stored in the archive.</summary>
    public void Save(string path, IReadOnlyList<KeyValuePair<string, string>> extraFiles)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(extraFiles);
        Native.ml_jit_module_save(Handle, path, extraFiles.Select(f => f.Key).ToArray(), extraFiles.Select(f => f.Value).ToArray(), extraFiles.Count);
        Native.Check();
    }

    /// <summary>Runs <c>forward(input)</c>: one tensor, or one per element of a returned tuple.</summary>
    public Tensor[] Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var array = Native.ml_jit_module_forward(Handle, input.Handle, out var count);
        return Tensor.WrapArray(array, count);
    }

    /// <summary>Parameters and buffers by dotted name (libtorch's order: all parameters, then all buffers).</summary>
    public IReadOnlyList<(string Name, Tensor Value)> StateDict()
    {
        var array = Native.ml_jit_module_state_dict(Handle, out var namesBlock, out var count);
        var tensors = Tensor.WrapArray(array, count);
        var names = new List<string>((int)count);
        try
        {
            var offset = 0;
            for (var i = 0; i < count; i++)
            {
                var name = Marshal.PtrToStringUTF8(namesBlock + offset) ?? "";
                names.Add(name);
                offset += System.Text.Encoding.UTF8.GetByteCount(name) + 1;
            }
        }
        finally
        {
            Native.ml_free(namesBlock);
        }
        return [.. names.Zip(tensors)];
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
