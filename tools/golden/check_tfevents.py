"""Oracle for TensorBoardWriter: decodes a TensorBoard event file independently of the C# code and prints it as
JSON (used by tests/MedLearn.Tests/Runs/TensorBoardWriterTests.cs through PythonOracle).

TFRecord framing is checked record by record: uint64 length, masked CRC32C of the 8 length bytes, data, masked
CRC32C of the data (mask = ((crc >> 15) | (crc << 17)) + 0xa282ead8); the CRC32C is this script's own bitwise
implementation. Each record is parsed with Debian's python3-protobuf into Event/Summary message classes built at
run time from a FileDescriptorProto matching tensorflow/core/util/event.proto and
tensorflow/core/framework/summary.proto (the subset of fields TensorBoard scalars use):

    message Event   { double wall_time = 1; int64 step = 2;
                      oneof what { string file_version = 3; Summary summary = 5; } }
    message Summary { message Value { string tag = 1; oneof value { float simple_value = 2; } }
                      repeated Value value = 1; }

Floats are printed as their IEEE bit patterns (exact; JSON has no NaN): simple_value as uint32, wall_time as
uint64 (and also as a decimal string for reading).
Usage: /usr/bin/python3 check_tfevents.py FILE
"""
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(crc: int) -> int:
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def build_classes():
    F = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="medlearn_check/event.proto", package="tensorflow", syntax="proto3")

    summary = fdp.message_type.add(name="Summary")
    value = summary.nested_type.add(name="Value")
    value.oneof_decl.add(name="value")
    value.field.add(name="tag", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    value.field.add(name="simple_value", number=2, type=F.TYPE_FLOAT, label=F.LABEL_OPTIONAL, oneof_index=0)
    summary.field.add(name="value", number=1, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
                      type_name=".tensorflow.Summary.Value")

    event = fdp.message_type.add(name="Event")
    event.oneof_decl.add(name="what")
    event.field.add(name="wall_time", number=1, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
    event.field.add(name="step", number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    event.field.add(name="file_version", number=3, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, oneof_index=0)
    event.field.add(name="summary", number=5, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL, oneof_index=0,
                    type_name=".tensorflow.Summary")

    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    desc = pool.FindMessageTypeByName("tensorflow.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


def main(path):
    Event = build_classes()
    data = open(path, "rb").read()
    pos = 0
    events = []
    while pos < len(data):
        if len(data) - pos < 12:
            raise SystemExit(f"truncated record header at byte {pos}")
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if header_crc != masked(crc32c(header)):
            raise SystemExit(f"length CRC mismatch at byte {pos}")
        body = data[pos + 12:pos + 12 + length]
        if len(body) != length or pos + 16 + length > len(data):
            raise SystemExit(f"truncated record at byte {pos}")
        (body_crc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
        if body_crc != masked(crc32c(body)):
            raise SystemExit(f"data CRC mismatch at byte {pos}")
        pos += 16 + length

        ev = Event()
        ev.ParseFromString(body)
        # Re-serialising must give the same bytes: no unknown fields, canonical encoding.
        if ev.SerializeToString() != body:
            raise SystemExit(f"record at byte {pos - 16 - length} does not re-serialise identically")
        out = {
            "wall_time_bits": struct.unpack("<Q", struct.pack("<d", ev.wall_time))[0],
            "wall_time": repr(ev.wall_time),
            "step": ev.step,
            "what": ev.WhichOneof("what"),
        }
        if ev.WhichOneof("what") == "file_version":
            out["file_version"] = ev.file_version
        if ev.WhichOneof("what") == "summary":
            out["values"] = [{"tag": v.tag, "bits": struct.unpack("<I", struct.pack("<f", v.simple_value))[0]}
                             for v in ev.summary.value]
        events.append(out)
    print(json.dumps({"crc_check": crc32c(b"123456789"), "events": events}))


if __name__ == "__main__":
    main(sys.argv[1])
