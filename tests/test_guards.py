"""The suite's own guards: goldens are not rewritten carelessly, and tests have no network."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NetworkAccessError

CONFTEST = Path(__file__).parent / "conftest.py"

GOLDEN_TEST = """
def test_answer(golden):
    golden("answer.txt", "{text}")
"""


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _suite(tmp_path: Path, golden_text: str, test_text: str) -> Path:
    """A small git repository with this conftest, one golden file and one test comparing with it."""
    root = tmp_path / "suite"
    tests = root / "tests"
    (tests / "golden").mkdir(parents=True)
    shutil.copy(CONFTEST, tests / "conftest.py")
    (tests / "golden" / "answer.txt").write_text(golden_text, encoding="utf-8")
    (tests / "test_answer.py").write_text(GOLDEN_TEST.format(text=test_text), encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "goldens")
    return root


def _pytest(root: Path, *args: str, ci: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_golden_that_differs_fails(tmp_path: Path) -> None:
    done = _pytest(_suite(tmp_path, "old\n", "new"))
    assert done.returncode == 1, done.stdout
    assert "answer.txt differs from its golden file" in done.stdout


def test_update_golden_is_refused_in_ci(tmp_path: Path) -> None:
    root = _suite(tmp_path, "old", "new")
    done = _pytest(root, "--update-golden", ci=True)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "--update-golden is refused when CI is set" in done.stderr
    assert (root / "tests/golden/answer.txt").read_text(encoding="utf-8") == "old"


def test_update_golden_is_refused_while_goldens_have_uncommitted_changes(tmp_path: Path) -> None:
    root = _suite(tmp_path, "old", "new")
    (root / "tests/golden/answer.txt").write_text("edited by hand", encoding="utf-8")
    done = _pytest(root, "--update-golden")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "tests/golden has uncommitted changes" in done.stderr
    assert (root / "tests/golden/answer.txt").read_text(encoding="utf-8") == "edited by hand"


def test_update_golden_rewrites_compares_and_lists_the_file(tmp_path: Path) -> None:
    root = _suite(tmp_path, "old", "new")
    done = _pytest(root, "--update-golden")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "tests/golden/answer.txt").read_text(encoding="utf-8") == "new"
    assert "golden files rewritten" in done.stdout
    assert "tests/golden/answer.txt" in done.stdout
    # the rewritten golden is now compared like any other: a later change fails again
    _git(root, "commit", "-qam", "accepted")
    (root / "tests/test_answer.py").write_text(GOLDEN_TEST.format(text="newer"), encoding="utf-8")
    assert _pytest(root).returncode == 1


def test_update_golden_refuses_to_store_an_empty_answer(tmp_path: Path) -> None:
    root = _suite(tmp_path, "old", "")
    done = _pytest(root, "--update-golden")
    assert done.returncode == 1, done.stdout
    assert "refusing to store an empty golden file answer.txt" in done.stdout
    assert (root / "tests/golden/answer.txt").read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(
    "address", [("192.0.2.1", 80), ("2001:db8::1", 80, 0, 0)], ids=["ipv4", "ipv6"]
)
def test_a_connection_to_another_host_fails_at_once(address: tuple[object, ...]) -> None:
    family = socket.AF_INET if len(address) == 2 else socket.AF_INET6
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        with pytest.raises(NetworkAccessError, match="must not use the network"):
            sock.connect(address)
        with pytest.raises(NetworkAccessError):
            sock.connect_ex(address)


def test_a_name_lookup_fails_at_once() -> None:
    with pytest.raises(NetworkAccessError, match=r"example\.org"):
        socket.getaddrinfo("example.org", 443)
    with pytest.raises(NetworkAccessError):
        socket.create_connection(("purl.obolibrary.org", 80), timeout=1)


def test_this_machine_stays_reachable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5) as client:
            assert client.getpeername() == server.getsockname()
    assert socket.getaddrinfo("localhost", 80)
