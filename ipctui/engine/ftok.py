"""ftok(3): a System V key made from a file's inode, its device and a project byte.

The script's one file system is device 1; its inode numbers come from `inodes.FileSystem`,
which hands them out as names are made, so the mechanisms that make files need not know of it.
"""

from __future__ import annotations

from .inodes import DEVICE
from .kernel import Kernel
from .process import Process
from .syscalls import syscall


def ftok_key(inode: int, proj: int) -> int:
    """C's ftok, as a signed 32-bit key_t."""
    key = (proj & 0xFF) << 24 | (DEVICE & 0xFF) << 16 | (inode & 0xFFFF)
    return key - (1 << 32) if key >= 1 << 31 else key


@syscall(
    "ftok",
    "path:str, proj:int",
    mechanism="sysv_keys",
    summary="a System V key from a file and a byte",
    reach="named",
    lookup="names",
)
def sys_ftok(k: Kernel, p: Process, path: str, proj: int) -> int:
    return ftok_key(k.fs.inode(path), proj)
