"""Atomic writes: complete files with ordinary permissions, never over a device or a link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ipexkg.errors import OutputError
from ipexkg.files import write_files_atomic, write_text_atomic


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


def test_a_link_is_written_through_and_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "real.nt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.nt"
    link.symlink_to(target.name)
    write_text_atomic(link, "new\n")
    # before, the link was replaced by a file (and the file it named kept the old text)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.nt", "real.nt"]


def test_a_device_pipe_or_folder_is_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.nt"
    folder.mkdir()
    # before, 'card --out /dev/full' replaced the device by an HTML file
    for path in (fifo, folder, Path("/dev/null")):
        with pytest.raises(OutputError, match="is not a regular file"):
            write_text_atomic(path, "text\n")
    assert stat.S_ISFIFO(fifo.stat().st_mode) and folder.is_dir()
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_several_files_are_all_replaced_or_none(tmp_path: Path) -> None:
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    first.write_text("a\n", encoding="utf-8")
    os.mkfifo(second)  # cannot be replaced: the whole write is refused
    with pytest.raises(OutputError, match=r"b\.tsv: is not a regular file"):
        write_files_atomic({first: b"A\n", second: b"B\n"})
    assert first.read_text(encoding="utf-8") == "a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tsv", "b.tsv"]
    second.unlink()
    write_files_atomic({first: b"A\n", second: b"B\n"})
    assert (first.read_bytes(), second.read_bytes()) == (b"A\n", b"B\n")
