"""Independent validation of MedLearn's ONNX files with Debian's python3-onnx (onnx.checker, shape inference).

Usage: python3 check_onnx.py MODEL.onnx
Prints "ok ir=<ir_version> opset=<opset> nodes=<count> ops=<sorted op types>" or exits 1 with the checker's error.
"""
import sys

import onnx

model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
opset = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0]
ops = sorted({n.op_type for n in model.graph.node})
print(f"ok ir={model.ir_version} opset={opset} nodes={len(model.graph.node)} ops={','.join(ops)}")
