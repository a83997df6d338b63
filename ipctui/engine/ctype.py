"""C's integer types: a number in a script is what a C program passing it would hand the kernel
(2**32 + 1 as an int is 1, 2**63 as a long is -2**63), as the real run passes it through ctypes."""

from __future__ import annotations


def c_int(n: int) -> int:
    """C's 32-bit int."""
    return (n + (1 << 31)) % (1 << 32) - (1 << 31)


def c_long(n: int) -> int:
    """C's 64-bit long (and off_t)."""
    return (n + (1 << 63)) % (1 << 64) - (1 << 63)
