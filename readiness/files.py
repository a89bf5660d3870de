"""Writing files safely: the one place that does it, for answers, reports and every other output.

What a write does depends on what is already at the target:

- nothing, or a regular file: the data goes into a new temporary file beside it, which is then
  renamed over the target, so a crash mid-write leaves the previous file intact;
- a character device or a FIFO (`/dev/null`, `/dev/full`, a named pipe): written into directly,
  never replaced;
- a symbolic link (`/dev/stdout`, `latest.pdf -> 2024/report.pdf`): never renamed over; what it
  points to is written as above. A link owned by someone else than you, the folder's owner or root
  is not followed (someone may have planted it in a shared folder);
- a folder, a block device or a socket: refused.

An output that is the same file as one of the command's inputs is refused, whatever --force says.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NoReturn

from .errors import ContentError, Issue

TEMP_PREFIX = ".readiness-"
TEMP_SUFFIX = ".tmp"
# A temporary file is renamed or removed within seconds of its creation; one that is older than
# this was left by a run that was killed (kill -9, a power cut) and is removed by the next write
# into the same folder. Only regular files with our prefix, owned by the user who runs the tool, are
# removed: a live writer's file is younger, and other people's files are not ours to delete.
STALE_AFTER_SECONDS = 600
NAME_MAX = 255

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)

_swept: set[str] = set()  # folders already cleaned of stale temporary files by this process


def write_atomically(target: Path, data: bytes, *, durable: bool = False, inputs: Iterable[Path | None] = ()) -> None:
    """Write `data` to `target` safely (see the module's docstring).

    `durable` also flushes the data, and after the rename the folder, to disk (answers files: a
    killed interview or a power cut must not lose what was saved). `inputs`: the files (or content
    folders) the output was made from; writing over one of them is refused.
    """
    refuse_inputs(target, inputs)
    try:
        _write(Path(target), data, durable)
    except OSError as exc:
        raise _cannot_write(target, exc) from None


def write_directly(target: Path, data: bytes) -> None:
    """Write in place, without the temporary file: for the many small files of one batch run, where
    a rename each would double the cost and a run that stops part-way (it exits non-zero and says
    so) is simply run again. Anything but a new or an ordinary regular file at the target (a link, a
    device, a file with other hard links) goes through `write_atomically` instead."""
    try:
        info = _lstat(target)
        if info is None or (stat.S_ISREG(info.st_mode) and info.st_nlink == 1):
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC | _O_BINARY, 0o666)
            try:
                opened = os.fstat(fd)
                if stat.S_ISREG(opened.st_mode) and opened.st_nlink == 1:
                    if opened.st_size:  # (truncating a new file would have ext4 write it out at close)
                        os.ftruncate(fd, 0)
                    _write_all(fd, data)
                    return
            finally:
                os.close(fd)
    except OSError as exc:
        if exc.errno != errno.ELOOP:  # ELOOP: a symlink appeared at the name; handled below
            raise _cannot_write(target, exc) from None
    write_atomically(target, data)


def move_into_place(staged: Path, target: Path) -> None:
    """Give a finished file of our own (`staged`, in the same folder tree) its name: a rename over
    a new or an ordinary regular file; anything else at the target is written as `write_atomically`
    would, and the staged file removed."""
    try:
        info = _lstat(target)
        if info is None or (stat.S_ISREG(info.st_mode) and info.st_nlink == 1):
            os.replace(staged, target)
            return
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        write_atomically(target, Path(staged).read_bytes())
    finally:
        with contextlib.suppress(OSError):
            os.unlink(staged)


def write_streamed(target: Path, chunks: Iterable[bytes]) -> None:
    """Like `write_atomically`, for data too large to hold at once: written piece by piece into a
    temporary file that is then renamed over a new or regular file. Anything else at the target
    gets the whole data through `write_atomically`."""
    info = _lstat(target)
    if info is not None and not stat.S_ISREG(info.st_mode):
        write_atomically(target, b"".join(chunks))
        return
    folder = Path(target).parent
    try:
        _sweep(folder)
        fd, temp = _create_temporary(folder)
        try:
            with os.fdopen(fd, "wb") as stream:
                for chunk in chunks:
                    stream.write(chunk)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError as exc:
        raise _cannot_write(target, exc) from None


def copy_into(source: Path, target: int) -> None:
    """Append the bytes of the file `source` to the open file `target`: in the kernel where it can
    (copy_file_range, Linux), else read and written here piece by piece."""
    with open(source, "rb", buffering=0) as stream:
        if hasattr(os, "copy_file_range"):
            try:
                while os.copy_file_range(stream.fileno(), target, 1 << 30):
                    pass
                return
            except OSError as exc:  # a file system or kernel without it: go on from where it stopped
                if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
                    raise
        while chunk := stream.read(1 << 16):
            _write_all(target, chunk)


def refuse_inputs(output: Path, inputs: Iterable[Path | None]) -> None:
    """Refuse an output that is an input: the same file after following links (same device and
    inode), or a file inside an input folder (a content folder). Only regular files count: two
    names for one terminal or pipe are not a loss of data."""
    try:
        written = os.stat(output)
    except (OSError, ValueError):
        return  # does not exist yet (or cannot exist): it cannot be an input
    if not stat.S_ISREG(written.st_mode):
        return
    for source in inputs:
        if source is None:
            continue
        try:
            read = os.stat(source)
        except (OSError, ValueError):
            continue
        if stat.S_ISDIR(read.st_mode):
            if _inside(output, source):
                _refuse(output, "in_input_folder", source=source)
        elif (read.st_dev, read.st_ino) == (written.st_dev, written.st_ino):
            _refuse(output, "is_input", source=source)


def content_inputs(root: Path | None) -> list[Path]:
    """The folders of a content folder that an output must never be written into."""
    if root is None:
        return []
    return [Path(root) / name for name in ("questionnaires", "rubrics", "report_templates")]


@contextlib.contextmanager
def hold_lock(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on `path` (an answers file) while the block runs, or refuse at once.

    The lock is an flock on a hidden lock file beside `path` (the file itself is replaced by every
    save, so its inode cannot carry the lock). The kernel releases it when the process ends, however
    it ends, so a killed interview leaves no lock that blocks the next one. Yields False where the
    file system cannot lock (the block then runs unlocked), True otherwise.
    """
    try:
        import fcntl
    except ImportError:  # no flock on this platform
        yield False
        return
    lock = lock_file(path)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ContentError(
            [Issue.said(str(path), "lock_folder", folder=lock.parent, reason=exc.strerror)], what="answers"
        ) from None
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC, 0o666)
        except OSError as exc:
            raise ContentError(
                [Issue.said(str(path), "lock_file", lock=lock, reason=exc.strerror)], what="answers"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ContentError([Issue.said(str(path), "locked", lock=lock)], what="answers") from None
        except OSError:  # e.g. ENOLCK: a file system without locks; go on unlocked
            os.close(fd)
            fd = -1
            break
        # The previous holder removes the lock file before it lets go; if it did so between our
        # open and our flock, we hold a lock on a file nobody else will open: start again.
        if _same(os.fstat(fd), _lstat(lock)):
            break
        os.close(fd)
    if fd < 0:
        yield False
        return
    try:
        yield True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)  # still holding the lock: nobody else can be using this file
        os.close(fd)


def lock_file(path: Path) -> Path:
    """The lock file of an answers file: `.NAME.lock` beside it (a short hash for very long names)."""
    path = Path(path)
    name = f".{path.name}.lock"
    if len(os.fsencode(name)) > NAME_MAX:
        name = f".{hashlib.sha256(os.fsencode(path.name)).hexdigest()[:16]}.lock"
    return path.parent / name


# --- what the target is decides how it is written ----------------------------------------------


def _write(target: Path, data: bytes, durable: bool) -> None:
    info = _lstat(target)
    if info is not None and stat.S_ISLNK(info.st_mode):
        _check_link_owner(target, info)
        try:
            info = os.stat(target)  # what the link points to
        except FileNotFoundError:
            _refuse_write(target, "dangling_link", points_to=os.readlink(target))
        if stat.S_ISREG(info.st_mode):
            real = Path(os.path.realpath(target))
            if _same(_lstat(real), info):
                _replace(real, data, durable, fallback=not durable)  # the link stays a link
            else:  # a /proc/self/fd link to a deleted or unreachable file
                _write_into(target, data, info)
            return
    if info is None or stat.S_ISREG(info.st_mode):
        _replace(target, data, durable)
    elif stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        _write_into(target, data, info)
    elif stat.S_ISDIR(info.st_mode):
        _refuse_write(target, "write_folder")
    elif stat.S_ISBLK(info.st_mode):
        _refuse_write(target, "write_block_device")
    else:
        _refuse_write(target, "write_not_file")


def _replace(target: Path, data: bytes, durable: bool, *, fallback: bool = False) -> None:
    """A temporary file beside the target, renamed over it. `fallback`: where the folder cannot be
    written but the file can (stdout redirected into a file there), write into the file instead."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    existing = _lstat(target)
    mode = stat.S_IMODE(existing.st_mode) & 0o777 if existing and stat.S_ISREG(existing.st_mode) else None
    try:
        fd, temp = _create_temporary(folder)
    except PermissionError:
        if fallback and existing is not None and os.access(target, os.W_OK):
            _write_into(target, data, existing)
            return
        raise
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(stream.fileno(), mode)  # keep the permissions of the file being replaced
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if durable:
        _fsync_folder(folder)  # the rename itself must survive a power cut too


def _create_temporary(folder: Path) -> tuple[int, Path]:
    """A new file with an unpredictable short name (a 255-byte target name still works), created
    exclusively: O_EXCL never opens an existing file and never follows a symlink planted there.
    Like tempfile.mkstemp, but with the usual permissions (0666 less the umask), not 0600."""
    for _ in range(100):
        temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(folder))


def _write_into(target: Path, data: bytes, expected: os.stat_result) -> None:
    """Write into what is there (a device, a FIFO, stdout): opened without O_CREAT, so nothing is
    created or replaced, and without blocking, so a FIFO nobody reads is an error, not a hang."""
    flags = os.O_WRONLY | _O_NOCTTY | _O_NONBLOCK | _O_CLOEXEC | _O_BINARY
    if stat.S_ISREG(expected.st_mode):
        flags |= os.O_TRUNC
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO and stat.S_ISFIFO(expected.st_mode):
            _refuse_write(target, "write_unread_fifo")
        raise
    try:
        opened = os.fstat(fd)
        if stat.S_IFMT(opened.st_mode) != stat.S_IFMT(expected.st_mode):
            _refuse_write(target, "write_replaced")
        os.set_blocking(fd, True)
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _check_link_owner(link: Path, info: os.stat_result) -> None:
    """Follow a link only if its owner is you, root or the folder's owner (the rule of the kernel's
    fs.protected_symlinks, here for every folder: a shared team folder need not be sticky)."""
    if not hasattr(os, "geteuid"):
        return
    try:
        folder_owner = os.stat(link.parent).st_uid
    except OSError:
        folder_owner = info.st_uid
    if info.st_uid not in (os.geteuid(), 0, folder_owner):
        _refuse_write(link, "foreign_link", uid=info.st_uid)


def _sweep(folder: Path) -> None:
    """Remove stale temporary files of killed runs from `folder`, once per folder and process."""
    key = os.path.realpath(folder)
    if key in _swept:
        return
    _swept.add(key)
    cutoff = time.time() - STALE_AFTER_SECONDS
    me = os.geteuid() if hasattr(os, "geteuid") else None
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not (entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX)):
                    continue
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff and me in (None, info.st_uid):
                        os.unlink(entry.path)
    except OSError:
        pass  # cleaning up is a courtesy; the write itself reports real problems


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a platform or file system whose folders cannot be opened
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):  # folders that cannot be synced
            raise
    finally:
        os.close(fd)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _same(a: os.stat_result | None, b: os.stat_result | None) -> bool:
    return a is not None and b is not None and (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _inside(path: Path, folder: Path) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    try:
        return os.path.commonpath([real, root]) == root
    except ValueError:  # different drives
        return False


def _refuse(output: Path, why: str, **params: object) -> NoReturn:
    """Never write over an input, whatever --force says."""
    raise ContentError([Issue.said(str(output), why, **params)], what="output")


def _refuse_write(target: Path, why: str, **params: object) -> NoReturn:
    raise ContentError([Issue.said(str(target), why, **params)], what="output")


def _cannot_write(target: Path, exc: OSError) -> ContentError:
    return ContentError([Issue.said(str(target), "cannot_write", reason=exc.strerror or exc)], what="output")
