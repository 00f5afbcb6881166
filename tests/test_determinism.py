"""Reproducible bytes: releases made under different hash seeds and time zones are identical."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import ipexkg
from ipexkg.card import CARD_FILE
from ipexkg.diff import CHANGES_MD, CHANGES_TSV
from ipexkg.export import EXPORT_FORMATS
from ipexkg.release import CHECKSUM_FILE, SSSOM_FILE, VOID_FILE

SRC = str(Path(ipexkg.__file__).resolve().parents[1])


def _release(out: Path, seed: str, zone: str) -> dict[str, bytes]:
    env = {
        **os.environ,
        "PYTHONHASHSEED": seed,
        "TZ": zone,
        "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run(
        [sys.executable, "-m", "ipexkg", "release", "--out", str(out)],
        env=env,
        check=True,
        capture_output=True,
    )
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_release_bytes_do_not_depend_on_hash_seed_or_clock(tmp_path: Path) -> None:
    """Two processes, hash seeds 1 and 2, clocks 26 hours apart: every file byte-identical.

    The time zones put the two local dates on different days, so a date or time taken from the
    clock in any file would show up as a difference.
    """
    first = _release(tmp_path / "a", "1", "Etc/GMT+12")
    second = _release(tmp_path / "b", "2", "Etc/GMT-14")
    assert sorted(first) == sorted(second)
    exports = {name for fmt in EXPORT_FORMATS.values() for name in fmt.files}
    assert set(first) == exports | {
        VOID_FILE,
        SSSOM_FILE,
        CHECKSUM_FILE,
        CHANGES_MD,
        CHANGES_TSV,
        CARD_FILE,
    }
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
