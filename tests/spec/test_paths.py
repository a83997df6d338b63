"""Paths are walked as Linux walks them (SPEC: where silent, do what Linux does; `/` and `/tmp`
are the script's directories): `//tmp/./f` names `/tmp/f`, a missing directory on the way is
ENOENT, a FIFO or socket used as a directory ENOTDIR, and the directories themselves are there."""

from __future__ import annotations

from .both import holds


def test_ftok_stats_the_path_as_linux_does() -> None:
    holds("""
        spawn A
        A: ftok("", 1) = -1 ENOENT (No such file or directory)
        A: mkfifo("/tmp/g") = 0
        A: ftok("/tmp/g", 65) = 1090584579
        A: ftok("/tmp/g/x", 1) = -1 ENOTDIR (Not a directory)
        A: ftok("/tmp/g/", 1) = -1 ENOTDIR (Not a directory)
        A: ftok("/nodir/g", 1) = -1 ENOENT (No such file or directory)
        A: unlink("/tmp/g") = 0
    """)


def test_ftok_of_a_path_spelled_another_way() -> None:
    # the real run refuses paths it did not make itself (//tmp exists on the machine): simulation only
    from helpers import check

    check("""
        spawn A
        A: mkfifo("/tmp/g") = 0
        A: ftok("//tmp", 1) = 16842754
        A: ftok("/tmp/../tmp/./g", 65) = 1090584579
    """)


def test_mkfifo_and_unlink_walk_the_path() -> None:
    holds("""
        spawn A
        A: mkfifo("/a/b") = -1 ENOENT (No such file or directory)
        A: mkfifo("/tmp/x") = 0
        A: mkfifo("/tmp/x/y") = -1 ENOTDIR (Not a directory)
        A: mkfifo("//tmp/z") = 0
        A: open("/tmp/z", O_RDWR) = 3
        A: mkfifo("/tmp/w/") = -1 ENOENT (No such file or directory)
        A: mkfifo("/tmp") = -1 EEXIST (File exists)
        A: mkfifo("/") = -1 EEXIST (File exists)
        A: mkfifo("/tmp/.") = -1 EEXIST (File exists)
        A: mkfifo("") = -1 ENOENT (No such file or directory)
        A: open("/tmp/x/", O_RDWR) = -1 ENOTDIR (Not a directory)
        A: open("/tmp/v/", O_RDWR|O_CREAT) = -1 EISDIR (Is a directory)
        A: open("/tmp", O_WRONLY) = -1 EISDIR (Is a directory)
        A: open("/tmp//x", O_RDWR) = 4
        A: unlink("/tmp/x/") = -1 ENOTDIR (Not a directory)
        A: unlink("/tmp/./x") = 0
        A: unlink("/tmp/z") = 0
    """)


def test_unlink_of_a_directory() -> None:
    holds("""
        spawn A uid=0
        A: unlink("/") = -1 EISDIR (Is a directory)
        A: unlink("/tmp/..") = -1 EISDIR (Is a directory)
    """)


def test_af_unix_paths_are_walked_too() -> None:
    holds("""
        spawn A
        A: socket(AF_UNIX, SOCK_STREAM) = 3
        A: bind(3, "/tmp/s/") = -1 ENOENT (No such file or directory)
        A: bind(3, "/nodir/s") = -1 ENOENT (No such file or directory)
        A: bind(3, "/tmp") = -1 EADDRINUSE (Address already in use)
        A: bind(3, "//tmp/./s") = 0
        A: listen(3, 5) = 0
        A: socket(AF_UNIX, SOCK_STREAM) = 4
        A: connect(4, "/tmp/s") = 0
        A: socket(AF_UNIX, SOCK_STREAM) = 5
        A: connect(5, "/tmp/s/") = -1 ENOTDIR (Not a directory)
        A: connect(5, "/tmp") = -1 ECONNREFUSED (Connection refused)
        A: unlink("/tmp/s") = 0
    """)
