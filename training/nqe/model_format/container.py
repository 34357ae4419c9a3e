"""The .nqe container: magic, version, payload length, payload, CRC-32 (docs/model-format.md)."""
import struct
import zlib
from pathlib import Path

from .proto import pb

MAGIC = b"NQEM"
FORMAT_VERSION = 1
MAX_PAYLOAD = 256 << 20
_HEADER = struct.Struct("<4sIQ")


class ModelFormatError(ValueError):
    pass


def to_bytes(model: "pb.Model") -> bytes:
    payload = model.SerializeToString(deterministic=True)
    return (_HEADER.pack(MAGIC, FORMAT_VERSION, len(payload)) + payload
            + struct.pack("<I", zlib.crc32(payload)))


def from_bytes(data: bytes, source: str = "<bytes>") -> "pb.Model":
    if len(data) < _HEADER.size + 4:
        raise ModelFormatError(f"{source}: truncated: {len(data)} bytes is shorter than the header")
    magic, version, length = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ModelFormatError(f"{source}: not an NQE model file (magic {magic!r})")
    if version != FORMAT_VERSION:
        raise ModelFormatError(f"{source}: format version {version}, this build reads {FORMAT_VERSION}")
    if length > MAX_PAYLOAD:
        raise ModelFormatError(f"{source}: payload of {length} bytes exceeds {MAX_PAYLOAD}")
    expected = _HEADER.size + length + 4
    if len(data) < expected:
        raise ModelFormatError(f"{source}: truncated: {len(data)} bytes, header says {expected}")
    if len(data) > expected:
        raise ModelFormatError(f"{source}: {len(data) - expected} trailing bytes after the checksum")
    payload = data[_HEADER.size:_HEADER.size + length]
    (crc,) = struct.unpack_from("<I", data, _HEADER.size + length)
    if zlib.crc32(payload) != crc:
        raise ModelFormatError(f"{source}: corrupt: CRC-32 mismatch")
    model = pb.Model()
    model.ParseFromString(payload)
    return model


def checksum_of_bytes(data: bytes) -> str:
    """The model checksum the services use: the payload's CRC-32 as 8 hex digits."""
    return f"{struct.unpack_from('<I', data, len(data) - 4)[0]:08x}"


def save_model(model: "pb.Model", path) -> str:
    """Writes atomically (temp file + rename) and returns the checksum."""
    path = Path(path)
    data = to_bytes(model)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return checksum_of_bytes(data)


def load_model(path) -> "pb.Model":
    return from_bytes(Path(path).read_bytes(), str(path))


def model_checksum(model: "pb.Model") -> str:
    return checksum_of_bytes(to_bytes(model))
