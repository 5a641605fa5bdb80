using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/jit_script.cpp
internal static partial class Native
{
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr ml_jit_module_new(string qualifiedName);
    [LibraryImport(Lib)] internal static partial void ml_jit_module_free(IntPtr module);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ml_jit_module_register_tensor(ScriptModuleHandle module, string name, TensorHandle tensor, int isParameter, int persistent);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void ml_jit_module_register_module(ScriptModuleHandle module, string name, ScriptModuleHandle child);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void ml_jit_module_register_string(ScriptModuleHandle module, string name, string value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void ml_jit_module_define(ScriptModuleHandle module, string source);
    [LibraryImport(Lib)] internal static partial void ml_jit_module_eval(ScriptModuleHandle module);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ml_jit_module_save(ScriptModuleHandle module, string path, string[] extraNames, string[] extraContents, long n);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ml_jit_load(string path, string[] extraNames, [In, Out] IntPtr[] extraContents, long n);
    [LibraryImport(Lib)] internal static partial IntPtr ml_jit_module_forward(ScriptModuleHandle module, TensorHandle input, out long count);
    [LibraryImport(Lib)] internal static partial IntPtr ml_jit_module_state_dict(ScriptModuleHandle module, out IntPtr names, out long count);
}

/// <summary>Owns one native TorchScript module (torch::jit::Module, itself a reference to a script object).</summary>
internal sealed class ScriptModuleHandle : SafeHandle
{
    public ScriptModuleHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal ScriptModuleHandle(IntPtr native) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(native);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Native.ml_jit_module_free(handle);
        return true;
    }
}
