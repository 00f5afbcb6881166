"""Atomic writes: complete files with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ipexkg.files import write_text_atomic


def test_written_files_are_readable_by_others_as_the_umask_allows(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "sub" / "x.ttl", "text\n")
    finally:
        os.umask(old)
    path = tmp_path / "sub" / "x.ttl"
    assert path.read_text(encoding="utf-8") == "text\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["x.ttl"]
