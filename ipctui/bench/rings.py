"""Rings in a shared mapping: slots for one direction, used in turn by one sender and one
receiver, handed over by process-shared semaphores (SemRing) or by polled flags (SpinRing)."""

from __future__ import annotations

import ctypes
import mmap
import os

from .ends import Unavailable


class Ring:
    """Slots for one direction in the shared mapping, used in turn by one sender and one
    receiver (each keeps its own index), so the sender can run ahead as it can with a pipe."""

    def __init__(self, mem: mmap.mmap, offset: int, size: int, slots: int) -> None:
        self.mem, self.offset, self.size, self.slots = mem, offset, size, slots
        self.stride = 64 + (size + 63) // 64 * 64  # a flag's cache line, then the message
        self.first = offset + 64  # the ring's own header (its semaphores) comes first
        self.put_at = self.take_at = 0

    @classmethod
    def room(cls, size: int, slots: int) -> int:
        return 64 + slots * (64 + (size + 63) // 64 * 64)

    def put(self, data: bytes) -> None:
        slot = self.first + self.put_at * self.stride
        self.put_at = (self.put_at + 1) % self.slots
        self.wait_empty(slot)
        self.mem[slot + 64 : slot + 64 + len(data)] = data
        self.mark_full(slot)

    def take(self, n: int) -> bytes:
        slot = self.first + self.take_at * self.stride
        self.take_at = (self.take_at + 1) % self.slots
        self.wait_full(slot)
        data = self.mem[slot + 64 : slot + 64 + n]
        self.mark_empty(slot)
        return data

    def wait_empty(self, slot: int) -> None:
        """Until the receiver has taken what this slot held."""

    def wait_full(self, slot: int) -> None:
        """Until a message is in this slot."""

    def mark_full(self, slot: int) -> None:
        """Hand the message over."""

    def mark_empty(self, slot: int) -> None:
        """Hand the slot back."""


class SemRing(Ring):
    """Counting, process-shared POSIX semaphores (sem_init with pshared=1) in the ring's header:
    free slots and full slots."""

    def __init__(self, mem: mmap.mmap, offset: int, size: int, slots: int) -> None:
        super().__init__(mem, offset, size, slots)
        from ..real.libc import libc

        base = ctypes.addressof(ctypes.c_char.from_buffer(mem, offset))
        self.empty, self.full = base, base + 32  # sizeof(sem_t) is 32
        self.libc = libc
        if libc.sem_init(self.empty, 1, slots) or libc.sem_init(self.full, 1, 0):
            raise Unavailable("process-shared semaphores are not supported here")

    def wait_empty(self, slot: int) -> None:
        while self.libc.sem_wait(self.empty) != 0:  # EINTR: a signal came; wait on
            pass

    def wait_full(self, slot: int) -> None:
        while self.libc.sem_wait(self.full) != 0:
            pass

    def mark_full(self, slot: int) -> None:
        self.libc.sem_post(self.full)

    def mark_empty(self, slot: int) -> None:
        self.libc.sem_post(self.empty)


class SpinRing(Ring):
    """A flag byte per slot, polled. Each spin yields the CPU, so with both processes on one
    CPU the peer still runs (at the cost of a trip through the scheduler)."""

    def wait_empty(self, slot: int) -> None:
        mem = self.mem
        while mem[slot]:
            os.sched_yield()

    def wait_full(self, slot: int) -> None:
        mem = self.mem
        while not mem[slot]:
            os.sched_yield()

    def mark_full(self, slot: int) -> None:
        self.mem[slot] = 1  # after the message's bytes: x86 keeps stores in order

    def mark_empty(self, slot: int) -> None:
        self.mem[slot] = 0
