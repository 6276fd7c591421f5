"""The criteria sets shipped with the package (``parindex/rulebook/data/*.yaml``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .loader import load
from .model import CriteriaSet

DATA_DIR = Path(__file__).resolve().parent / "data"


def shipped_paths() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


@cache
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
