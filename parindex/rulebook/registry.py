"""The criteria sets shipped with the package (``parindex/rulebook/data/*.yaml``)."""

from __future__ import annotations

import sys
from pathlib import Path

from .bounded import bounded_cache
from .loader import load
from .model import CriteriaSet

DATA_DIR = Path(__file__).resolve().parent / "data"


def shipped_paths() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


# A parsed set takes about 4.4 bytes of Python objects per byte of YAML (measured on the shipped
# sets); charge 8 to stay on the safe side. Bounded by bytes (docs/security.md, "Memory").
PARSED_BYTES_PER_SOURCE_BYTE = 8
SETS_CACHE_BYTES = 32 * 1024 * 1024


def parsed_size(source_bytes: int) -> int:
    """Estimated memory of a parsed criteria set whose YAML has ``source_bytes`` bytes."""
    return PARSED_BYTES_PER_SOURCE_BYTE * source_bytes


def _file_entry_size(args: tuple, value: CriteriaSet) -> int:
    path = args[0]
    try:
        source_bytes = Path(path).stat().st_size
    except OSError:
        source_bytes = 0
    return sys.getsizeof(path) + parsed_size(source_bytes)


@bounded_cache(SETS_CACHE_BYTES, _file_entry_size)
def _load_cached(path: str, mtime_ns: int) -> CriteriaSet:
    return load(path)


def load_path(path: str | Path) -> CriteriaSet:
    """Load a file, re-reading it only when it changed on disk."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        return load(p)  # raises CriteriaSetError naming the file
    return _load_cached(str(p), mtime)


def shipped_sets() -> list[CriteriaSet]:
    return [load_path(p) for p in shipped_paths()]


def find(id_or_path: str) -> CriteriaSet:
    """A shipped set by id, or any file by path. Raises ``LookupError`` if neither."""
    for cset in shipped_sets():
        if cset.id == id_or_path:
            return cset
    candidate = Path(id_or_path)
    if candidate.is_file():
        return load_path(candidate)
    known = ", ".join(s.id for s in shipped_sets())
    raise LookupError(f"không tìm thấy bộ tiêu chí «{id_or_path}» (có sẵn: {known})")
