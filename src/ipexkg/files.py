"""Files: writing outputs atomically, one file or a whole folder.

A file is written to a temporary file in the same folder, then renamed over the old one. A
folder of outputs (``build``, ``export``, ``release``) is written beside the old folder and swapped
in whole (Linux ``renameat2(RENAME_EXCHANGE)``, else two renames), under a lock beside it, so a
kill, a full disk or a second run at the same time leaves the old folder or the complete new one,
never a mix. What a killed run left beside the folder is removed by the next run.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ipexkg.errors import InputError, OutputError

__all__ = [
    "PAUSE_ENV",
    "check_input_file",
    "check_output_folder",
    "replace_folder",
    "write_bytes_atomic",
    "write_files_atomic",
    "write_text_atomic",
]

#: test hook: ``POINT:FILE`` makes a folder writer create FILE at POINT (``mid-write``,
#: ``before-swap``, ``after-swap``) and wait there, so a test can kill it at a known place
PAUSE_ENV = "IPEXKG_TEST_PAUSE"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _output_error(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write ({exc.strerror or exc})")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove_dead_temporaries(path: Path) -> None:
    """Remove the temporary files of ``path`` that a killed writer left (its pid is gone)."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isascii() and pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def check_input_file(path: Path) -> None:
    """Check that ``path`` is a file to read: it exists and is a regular file.

    :raises InputError: for a missing path, or a folder, device, pipe or socket (a pipe would
        block its reader, a device such as ``/dev/zero`` may never end)
    """
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: is not a regular file (a folder, device, pipe or socket)")


def _target(path: Path) -> tuple[Path, int]:
    """Return the file to replace for ``path`` and the permissions to give it.

    A symbolic link is written through (the link stays, the file it names is replaced); an
    existing file keeps its permissions, a new one gets those of any new file (0666 less the
    umask).

    :raises OutputError: when ``path`` is a device, a pipe, a socket or a folder (replacing
        one by a file would be a surprise, as ``--out /dev/full`` used to be)
    """
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target, 0o666 & ~_umask()
    except OSError as exc:
        raise _output_error(path, exc) from None
    if not stat.S_ISREG(mode):
        raise OutputError(
            f"{path}: is not a regular file (a folder, device, pipe or socket); refusing to "
            "replace it"
        )
    return target, stat.S_IMODE(mode)


def _write_temporary(path: Path, data: bytes) -> tuple[Path, Path]:
    """Write ``data`` beside the file ``path`` names; return (that file, the temporary file)."""
    target, mode = _target(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_dead_temporaries(target)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise _output_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), mode)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _output_error(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target, Path(tmp)


def write_files_atomic(files: Mapping[Path, bytes]) -> None:
    """Write several files so that either all are replaced or none is.

    Every temporary file is written first (``.NAME.PID.XXXX.tmp``, beside its file; one left by
    a killed writer is removed by the next write of the same file); only when all are complete
    are they renamed into place, and a rename in a folder that took a temporary file does not
    fail short of the disk itself failing.

    :raises OutputError: naming the file (never the temporary one) that cannot be written
    """
    written: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            written.append(_write_temporary(path, data))
        for target, tmp in written:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _output_error(target, exc) from None
    finally:
        for _, tmp in written:
            tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is either complete or untouched.

    The rules of :func:`write_files_atomic` and :func:`_target` apply: a link is written
    through, a device or a folder is refused, an existing file keeps its permissions.

    :raises OutputError: naming ``path`` (never the temporary file) when it cannot be written
    """
    write_files_atomic({path: data})


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` with LF line ends to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def _ours(name: str) -> bool:
    """Is ``name`` a file the package writes into an output folder?"""
    return name == "SHA256SUMS" or name.startswith("ipexkg")


def check_output_folder(out: Path | str) -> Path:
    """Check that ``out`` can be (re)written as an output folder; return it as an absolute path.

    :raises OutputError: for an empty name, a file, a symbolic link, the current folder or one
        above it, or a folder holding files the package did not write (it is never replaced)
    """
    if not str(out).strip():
        raise OutputError("the output folder name is empty; give a folder, e.g. --out build")
    path = Path(os.path.abspath(out))
    if path.is_symlink():
        raise OutputError(f"{path}: is a symbolic link; give the folder it points to")
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a folder")
    cwd = Path.cwd()
    if path == cwd or path in cwd.parents:
        raise OutputError(f"{path}: is the current folder or holds it; give a sub-folder")
    if path.is_dir():
        foreign = sorted(p.name for p in path.iterdir() if not (_ours(p.name) and p.is_file()))
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputError(
                f"{path}: holds files ipexkg did not write ({shown}); the folder is replaced "
                "whole, so give a new or empty folder, or one ipexkg wrote"
            )
    return path


def _pause(point: str) -> None:
    hook = os.environ.get(PAUSE_ENV, "")
    wanted, _, flag = hook.partition(":")
    if wanted != point or not flag:
        return
    Path(flag).write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + 300  # the test kills the process long before this
    while time.monotonic() < deadline:
        time.sleep(0.05)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock = path.parent / f".{path.name}.ipexkg.lock"
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise _output_error(path, exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"{path}: another ipexkg run is writing this folder; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _leftovers(path: Path, kind: str) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.ipexkg-{kind}-*"))


def _clean_up(path: Path) -> None:
    """Remove what a killed run left (under the lock, so no live run owns it)."""
    old = _leftovers(path, "old")
    if old and not path.exists():  # killed between the two renames: put the old folder back
        os.rename(old.pop(), path)
    for stale in (*_leftovers(path, "new"), *old):
        shutil.rmtree(stale, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(new: Path, path: Path) -> None:
    if not path.exists():
        os.rename(new, path)
    elif _exchange(new, path):
        shutil.rmtree(new)  # it now holds the old folder
    else:
        old = path.parent / f".{path.name}.ipexkg-old-{os.getpid()}"
        os.rename(path, old)
        os.rename(new, path)
        shutil.rmtree(old)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_folder(out: Path | str, files: Mapping[str, bytes]) -> Path:
    """Make ``out`` a folder holding exactly ``files`` (name -> bytes), all or nothing.

    The new folder is written beside ``out`` (``.NAME.ipexkg-new-PID``) and swapped in whole,
    under a lock (``.NAME.ipexkg.lock`` beside it) that a second run on the same folder finds
    taken. Leftovers of a killed run are removed first.

    :returns: the folder as an absolute path
    :raises OutputError: as :func:`check_output_folder`; when another run holds the lock; or
        naming the output file (never a temporary one) that could not be written
    """
    path = check_output_folder(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _output_error(path.parent, exc) from None
    with _locked(path):
        _clean_up(path)
        check_output_folder(path)
        new = path.parent / f".{path.name}.ipexkg-new-{os.getpid()}"
        try:
            try:
                new.mkdir()
            except OSError as exc:
                raise _output_error(path, exc) from None
            for index, (name, data) in enumerate(sorted(files.items())):
                if index == len(files) // 2:
                    _pause("mid-write")
                try:
                    with open(new / name, "wb") as handle:
                        handle.write(data)
                        os.fsync(handle.fileno())
                except OSError as exc:
                    raise _output_error(path / name, exc) from None
            _fsync_dir(new)
            _pause("before-swap")
            try:
                _swap_in(new, path)
            except OSError as exc:
                raise _output_error(path, exc) from None
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        _pause("after-swap")
        _fsync_dir(path.parent)
    return path
