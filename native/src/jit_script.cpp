// TorchScript modules built from C#: a module per network module, its parameters, buffers and children registered
// under their state-dict names, its forward pass compiled from TorchScript source; saved in the format
// torch.jit.load reads, and loaded back to run.
#include "common.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>

#include <cstdlib>

typedef torch::jit::Module* ml_jit_module;

using namespace medlearn;

// A new empty module of class `qualified_name` (e.g. "__torch__.medlearn.Conv2d_3"), with its own compilation unit
// and the `training` flag every torch.nn module has (Python's ScriptModule.train()/eval() and .training read it).
ML_API ml_jit_module ml_jit_module_new(const char* qualified_name) {
  ML_GUARD(nullptr,
      auto m = std::make_unique<torch::jit::Module>(c10::QualifiedName(std::string(qualified_name)));
      m->register_attribute("training", c10::BoolType::get(), true);
      return m.release(););
}

ML_API void ml_jit_module_free(ml_jit_module m) { delete m; }

// Registers a parameter (`is_parameter` != 0), a buffer (persistent: in the state dict) or, with `is_parameter` == 0 and
// `persistent` == 0, a plain tensor attribute (kept out of the state dict, as a non-persistent buffer is).
ML_API void ml_jit_module_register_tensor(ml_jit_module m, const char* name, ml_tensor t, int32_t is_parameter, int32_t persistent) {
  ML_VOID(
      auto value = t->detach();
      if (is_parameter) m->register_parameter(name, value, /*is_buffer=*/false);
      else if (persistent) m->register_buffer(name, value);
      else m->register_attribute(name, c10::TensorType::get(), value, /*is_param=*/false, /*is_buffer=*/false));
}

ML_API void ml_jit_module_register_module(ml_jit_module m, const char* name, ml_jit_module child) {
  ML_VOID(m->register_module(name, *child));
}

ML_API void ml_jit_module_register_string(ml_jit_module m, const char* name, const char* value) {
  ML_VOID(m->register_attribute(name, c10::StringType::get(), c10::IValue(std::string(value))));
}

// Compiles TorchScript source (methods using self's members) into the module's class.
ML_API void ml_jit_module_define(ml_jit_module m, const char* source) { ML_VOID(m->define(source)); }

ML_API void ml_jit_module_eval(ml_jit_module m) { ML_VOID(m->eval()); }

// Saves the module; `n` extra files (name, content) are stored under extra/ in the archive
// (torch.jit.load(path, _extra_files={name: ""}) reads them).
ML_API void ml_jit_module_save(ml_jit_module m, const char* path, const char* const* extra_names, const char* const* extra_contents, int64_t n) {
  ML_VOID(
      torch::jit::ExtraFilesMap extra;
      for (int64_t i = 0; i < n; ++i) extra[extra_names[i]] = extra_contents[i];
      m->save(path, extra));
}

// Loads a saved TorchScript module on the CPU; the named extra files are read into malloc'ed strings the caller frees
// with ml_free (null when the archive has no such file).
ML_API ml_jit_module ml_jit_load(const char* path, const char* const* extra_names, char** extra_contents, int64_t n) {
  ML_GUARD(nullptr,
      torch::jit::ExtraFilesMap extra;
      for (int64_t i = 0; i < n; ++i) extra[extra_names[i]] = "";
      auto loaded = torch::jit::load(path, c10::Device(c10::kCPU), extra);
      for (int64_t i = 0; i < n; ++i) {
        extra_contents[i] = nullptr;
        auto it = extra.find(extra_names[i]);
        if (it == extra.end() || it->second.empty()) continue;
        auto* s = static_cast<char*>(std::malloc(it->second.size() + 1));
        if (!s) throw std::bad_alloc();
        std::memcpy(s, it->second.data(), it->second.size());
        s[it->second.size()] = '\0';
        extra_contents[i] = s;
      }
      return new torch::jit::Module(std::move(loaded)););
}

// Runs forward(input). A tensor result gives one handle; a tuple of tensors gives one per element. Returns a
// malloc'ed handle array (free with ml_free_handle_array).
ML_API ml_tensor* ml_jit_module_forward(ml_jit_module m, ml_tensor input, int64_t* count) {
  ML_GUARD(nullptr,
      auto out = m->forward({*input});
      std::vector<at::Tensor> list;
      if (out.isTensor()) list.push_back(out.toTensor());
      else if (out.isTuple()) for (const auto& e : out.toTupleRef().elements()) list.push_back(e.toTensor());
      else throw std::runtime_error("forward returned " + out.tagKind() + ", expected a tensor or a tuple of tensors");
      return wrap_list(list, count););
}

// The state dict of the module (parameters and buffers by dotted name, recursively), as parallel arrays: names are one
// malloc'ed block of NUL-separated strings (free with ml_free), tensors a handle array (ml_free_handle_array).
ML_API ml_tensor* ml_jit_module_state_dict(ml_jit_module m, char** names, int64_t* count) {
  ML_GUARD(nullptr,
      std::vector<at::Tensor> list;
      std::string joined;
      for (const auto& p : m->named_parameters(/*recurse=*/true)) { joined += p.name; joined.push_back('\0'); list.push_back(p.value); }
      for (const auto& b : m->named_buffers(/*recurse=*/true)) { joined += b.name; joined.push_back('\0'); list.push_back(b.value); }
      auto* s = static_cast<char*>(std::malloc(joined.size() + 1));
      if (!s) throw std::bad_alloc();
      std::memcpy(s, joined.data(), joined.size());
      s[joined.size()] = '\0';
      *names = s;
      return wrap_list(list, count););
}
