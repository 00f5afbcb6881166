"""Output folders are replaced whole or not at all: kills, Ctrl-C, a second run, a write error.

The writer pauses where the test asks (``IPEXKG_TEST_PAUSE=POINT:FLAG``: it creates FLAG and
waits), so every kill lands at a known place, never by luck of timing. After each, the folder is
the old one or the complete new one, and ``sha256sum -c SHA256SUMS`` passes.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipexkg.files import PAUSE_ENV, replace_folder

_OLD = {"ipexkg.ttl": b"# the old release\n", "ipexkg_nodes.tsv": b"id\n"}


def _old_folder(out: Path) -> dict[str, bytes]:
    """Write a small, complete 'old release' (with its SHA256SUMS) and return its files."""
    files = dict(_OLD)
    files["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ).encode()
    replace_folder(out, files)
    return files


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.ipexkg-*"))


def _start(args: list[str], pause: str | None, flag: Path) -> subprocess.Popen[str]:
    env = {**os.environ, PAUSE_ENV: f"{pause}:{flag}"} if pause else dict(os.environ)
    return subprocess.Popen(
        [sys.executable, "-m", "ipexkg", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(flag: Path, proc: subprocess.Popen[str]) -> None:
    """Wait until the writer has reached its pause point (it created ``flag``)."""
    deadline = time.monotonic() + 600  # a generous bound on a loaded machine, not a measurement
    while not flag.exists():
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(f"the writer ended before its pause point: {proc.returncode}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the writer never reached its pause point")
        time.sleep(0.05)


def _assert_old_or_complete_new(out: Path, old: dict[str, bytes]) -> str:
    files = _snapshot(out)
    if files == old:
        return "old"
    check = subprocess.run(
        ["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=out, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    listed = {line.split("  ", 1)[1] for line in files["SHA256SUMS"].decode().splitlines()}
    assert set(files) == listed | {"SHA256SUMS"}, "files not listed in SHA256SUMS"
    assert "ipexkg.void.ttl" in files and files != old
    return "new"


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
@pytest.mark.parametrize(
    ("command", "point", "expected"),
    [
        ("release", "mid-write", "old"),
        ("build", "before-swap", "old"),
        ("release", "after-swap", "new"),
    ],
)
def test_sigkill_leaves_old_or_complete_new_folder(
    tmp_path: Path, command: str, point: str, expected: str
) -> None:
    out = tmp_path / "out"
    old = _old_folder(out)
    flag = tmp_path / "paused"
    proc = _start([command, "--out", str(out)], point, flag)
    _wait_for(flag, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert _assert_old_or_complete_new(out, old) == expected
    if point != "after-swap":
        assert _leftovers(out) == [f".out.ipexkg-new-{proc.pid}"]
    # the next run (here: a small one, in-process) removes what the killed run left
    replace_folder(out, _snapshot(out))
    assert _leftovers(out) == []
    assert _assert_old_or_complete_new(out, old) == expected


def test_second_run_is_refused_and_ctrl_c_leaves_the_old_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = _old_folder(out)
    flag = tmp_path / "paused"
    first = _start(["release", "--out", str(out)], "mid-write", flag)
    _wait_for(flag, first)
    second = subprocess.run(
        [sys.executable, "-m", "ipexkg", "export", "--format", "ttl", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert second.returncode == 2, second.stderr
    assert f"{out}: another ipexkg run is writing this folder" in second.stderr
    assert "Traceback" not in second.stderr
    assert _snapshot(out) == old
    first.send_signal(signal.SIGINT)  # Ctrl-C while the new folder is half written
    _, err = first.communicate()
    assert first.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("interrupted: ipexkg release stopped")
    assert "Traceback" not in err
    assert _snapshot(out) == old
    assert _leftovers(out) == []


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


def test_write_error_names_the_output_file_and_keeps_the_old_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = _old_folder(out)
    proc = subprocess.run(
        [sys.executable, "-m", "ipexkg", "export", "--format", "ttl", "nt", "--out", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"error: {out}/ipexkg.") and "File too large" in proc.stderr
    assert ".tmp" not in proc.stderr and "ipexkg-new" not in proc.stderr
    assert _snapshot(out) == old
    assert _leftovers(out) == []


def test_single_file_write_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    from ipexkg.files import write_text_atomic

    gone = subprocess.Popen(["true"])
    gone.wait()  # its pid now names no process
    stale = tmp_path / f".x.nt.{gone.pid}.k1l2.tmp"
    live = tmp_path / f".x.nt.{os.getpid()}.m3n4.tmp"  # a writer still running: kept
    stale.write_text("half", encoding="utf-8")
    live.write_text("half", encoding="utf-8")
    write_text_atomic(tmp_path / "x.nt", "whole\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "x.nt"]
