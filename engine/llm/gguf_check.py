"""Check a .gguf before llama.cpp touches it: a bad file must give a message, not a crash."""

from __future__ import annotations

import os
import struct
from pathlib import Path

GGUF_MAGIC = b"GGUF"


class ModelFileProblem(RuntimeError):
    pass


def available_ram_bytes() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 1 << 62


def check_gguf(path: Path, headroom: float = 1.3, full: bool = True) -> dict:
    """Validate magic, version, size against free memory and (full) the tensor table; returns metadata."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileProblem(f"Model file not found: {path}")
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(24)
    if len(head) < 24 or head[:4] != GGUF_MAGIC:
        raise ModelFileProblem(
            f"{path.name} is not a GGUF model file (it does not start with 'GGUF'). "
            "Pick a .gguf file made for llama.cpp."
        )
    version = struct.unpack("<I", head[4:8])[0]
    if version not in (2, 3):
        raise ModelFileProblem(f"{path.name} is GGUF version {version}; this llama.cpp reads versions 2 and 3.")
    need = int(size * headroom)
    free = available_ram_bytes()
    if need > free:
        raise ModelFileProblem(
            f"{path.name} needs about {need / 2**30:.1f} GiB of memory but only {free / 2**30:.1f} GiB "
            "is free. Close other programs or choose a smaller (more quantized) model."
        )
    meta: dict = {"size": size, "version": version}
    if full:
        meta.update(_read_tensor_table(path, size))
    return meta


def _read_tensor_table(path: Path, size: int) -> dict:
    from gguf import GGUFReader

    try:
        reader = GGUFReader(str(path))
    except Exception as exc:  # truncated or corrupt: the tensor data runs past the end of file
        raise ModelFileProblem(
            f"{path.name} is damaged or incomplete ({type(exc).__name__}: {str(exc)[:120]}). "
            "Copy or download it again."
        ) from exc
    end = max((int(t.data_offset) + int(t.n_bytes) for t in reader.tensors), default=0)
    if end > size:
        raise ModelFileProblem(f"{path.name} is truncated: its tensors need {end:,} bytes, the file has {size:,}.")
    if not reader.tensors:
        raise ModelFileProblem(f"{path.name} holds no tensors: it is not a usable model file.")
    out = {"tensors": len(reader.tensors)}
    for key in ("general.architecture", "general.name", "general.type", "tokenizer.chat_template"):
        field = reader.fields.get(key)
        if field is not None:
            try:
                out[key] = bytes(field.parts[field.data[0]]).decode("utf-8", "replace")
            except Exception:
                pass
    return out
