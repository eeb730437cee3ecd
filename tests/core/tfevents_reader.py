#!/usr/bin/env python3
"""Independent reader of TensorBoard event files, to check longrl's exports.

Written from the TFRecord format (uint64 length, masked CRC-32C of the length, data, masked
CRC-32C of the data) and TensorBoard's event.proto / summary.proto, not from longrl's C++: the
CRC is computed bit by bit here, and the Event and Summary messages are decoded by python3-protobuf
with message classes built from descriptors at run time (no protoc, no tensorboard package).

usage: tfevents_reader.py OUT_JSON EVENT_FILE...
Writes OUT_JSON: {"files": [{"path", "file_version", "wall_time", "scalars": [{"tag", "step",
"value", "wall_time"}]}]}, a value that is not finite as the string "nan", "inf" or "-inf".
Exit code 0: every file is whole and valid; 2: a problem, printed as "PATH: record N: ..." (a
CRC mismatch, a truncated record, an unexpected field); 3: python3-protobuf is missing.
"""
import json
import math
import struct
import sys

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError:
    print("python3-protobuf is not available (scripts/install-deps.sh installs it)", file=sys.stderr)
    sys.exit(3)


class FormatProblem(Exception):
    pass


def crc32c(data):
    """CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, one bit at a time."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def message_classes():
    """Event, Summary and Summary.Value with TensorBoard's field numbers (the fields used here)."""
    F = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="longrl_check_event.proto", package="check", syntax="proto3")
    summary = fdp.message_type.add(name="Summary")
    value = summary.nested_type.add(name="Value")
    value.oneof_decl.add(name="value")
    value.field.add(name="tag", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    value.field.add(name="simple_value", number=2, type=F.TYPE_FLOAT, label=F.LABEL_OPTIONAL, oneof_index=0)
    summary.field.add(name="value", number=1, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
                      type_name=".check.Summary.Value")
    event = fdp.message_type.add(name="Event")
    event.oneof_decl.add(name="what")
    event.field.add(name="wall_time", number=1, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
    event.field.add(name="step", number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    event.field.add(name="file_version", number=3, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, oneof_index=0)
    event.field.add(name="summary", number=5, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                    type_name=".check.Summary", oneof_index=0)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    desc = pool.FindMessageTypeByName("check.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


def unknown_field_count(msg):
    try:
        from google.protobuf import unknown_fields
        return len(unknown_fields.UnknownFieldSet(msg))
    except ImportError:
        return len(msg.UnknownFields())


def records(data):
    """The data of each record, every CRC checked."""
    pos, n = 0, 0
    while pos < len(data):
        if len(data) - pos < 12:
            raise FormatProblem(f"record {n}: truncated header ({len(data) - pos} bytes)")
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if masked(crc32c(header)) != length_crc:
            raise FormatProblem(f"record {n}: length CRC mismatch")
        start = pos + 12
        if len(data) - start < length + 4:
            raise FormatProblem(f"record {n}: truncated data ({length} bytes declared)")
        payload = data[start:start + length]
        (data_crc,) = struct.unpack("<I", data[start + length:start + length + 4])
        if masked(crc32c(payload)) != data_crc:
            raise FormatProblem(f"record {n}: data CRC mismatch")
        yield n, payload
        pos = start + length + 4
        n += 1


def json_number(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def decode(event_class, n, payload):
    event = event_class()
    try:
        event.ParseFromString(payload)
    except Exception as e:  # protobuf's DecodeError, or a UnicodeDecodeError in a string
        raise FormatProblem(f"record {n}: not an Event ({e})")
    if unknown_field_count(event):
        raise FormatProblem(f"record {n}: Event holds fields event.proto does not have (or wrong wire types)")
    return event


def scalar_of(event, n):
    if event.WhichOneof("what") != "summary":
        raise FormatProblem(f"record {n}: expected a summary event, got {event.WhichOneof('what')}")
    if unknown_field_count(event.summary) or len(event.summary.value) != 1:
        raise FormatProblem(f"record {n}: expected a Summary with one value")
    value = event.summary.value[0]
    if unknown_field_count(value) or value.WhichOneof("value") != "simple_value":
        raise FormatProblem(f"record {n}: expected a Summary.Value with tag and simple_value")
    return {"tag": value.tag, "step": event.step, "value": json_number(value.simple_value),
            "wall_time": event.wall_time}


def read_file(event_class, path):
    with open(path, "rb") as f:
        data = f.read()
    out = {"path": path, "scalars": []}
    for n, payload in records(data):
        event = decode(event_class, n, payload)
        if n == 0:
            if event.WhichOneof("what") != "file_version" or event.file_version != "brain.Event:2":
                raise FormatProblem("record 0: expected file_version 'brain.Event:2'")
            out["file_version"] = event.file_version
            out["wall_time"] = event.wall_time
        else:
            out["scalars"].append(scalar_of(event, n))
    if "file_version" not in out:
        raise FormatProblem("no records")
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 1
    # The reader's own CRC against RFC 3720's check value, so a broken reader cannot agree with a broken writer.
    assert crc32c(b"123456789") == 0xE3069283
    event_class = message_classes()
    files = []
    for path in sys.argv[2:]:
        try:
            files.append(read_file(event_class, path))
        except FormatProblem as e:
            print(f"{path}: {e}")
            return 2
    with open(sys.argv[1], "w") as f:
        json.dump({"files": files}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
