"""One real process of a real run: it waits for the runner's next call, makes it for real through
libc, and reports the result. The runner has already turned the script's names, pids and ids into
the machine's; this module only calls.

It talks to the runner over one SOCK_SEQPACKET socket (ipctui.real.wire: data only, framed by
length) held at a descriptor a script cannot name: every descriptor argument at or above the
open-file limit, or the channel's own, is EBADF here before anything reaches the kernel. A caught
signal writes its number there as a one-byte record from the C-level handler (the interpreter's
wakeup fd), so the runner sees the signal when it happens and in order with the replies, even
when the call it interrupts is restarted.
"""

from __future__ import annotations

import array
import ctypes
import os
import resource
import select
import signal
import socket
import stat
import struct
import traceback
from typing import Any

from . import libc as L
from . import wire
from .libc import CallFailed, check, libc

FD_LIMIT = 1024  # RLIMIT_NOFILE: the descriptors a script's process may have
CHANNEL_FD = 1100  # above FD_LIMIT: no descriptor a script names can be it
MEMORY_LIMIT = 256 << 20  # RLIMIT_AS of each process of the run, on top of the image it inherits
FILE_LIMIT = 64 << 20  # RLIMIT_FSIZE
_FD_FIRST = {
    "close", "read", "write", "fcntl", "mq_send", "mq_receive", "mq_getattr", "mq_close",
    "ftruncate", "mmap", "bind", "listen", "connect", "accept", "shutdown", "send", "recv",
    "sendto", "recvfrom",
}  # fmt: skip
IPC_CREAT, IPC_EXCL = 0o1000, 0o2000
F_GETFL, F_SETFL, F_SETPIPE_SZ, F_GETPIPE_SZ, O_NONBLOCK = 3, 4, 1031, 1032, 0o4000
PAGE = os.sysconf("SC_PAGE_SIZE")
GUARD = 16 * PAGE  # no-access pages around each mapping, so a stray access faults as on the SPEC
FORKED: Any = object()  # what fork returns in the child, which then answers nothing
ALL_SIGNALS = set(range(1, 32)) - {signal.SIGKILL, signal.SIGSTOP}
DEFAULT_PIPE = 65536


def _caught(signum: int, frame: Any) -> None:  # the C-level handler already reported it
    pass


class Worker:
    """What one real process keeps for the calls the runner sends it."""

    def __init__(self, chan: socket.socket, prefix: str) -> None:
        self.chan = chan
        self.prefix = prefix
        self.maps: dict[str, tuple[int, int]] = {}  # segment name -> (address, mapped length)
        self.locks: dict[str, int] = {}  # segment name -> address of its mutex
        self.sems: dict[int, list[int]] = {}  # handle -> [sem_t pointer, opens]
        self.attached: list[tuple[int, int, int, bool]] = []  # shmat: (shmid, address, length, readonly)
        self.sysv_locks: dict[int, int] = {}  # shmid -> address of its mutex
        self.nowhere = check_ptr_map(PAGE, L.PROT_NONE)  # what an access to nothing touches

    # ----------------------------------------------------------- the loop

    def serve(self) -> None:
        poller = select.poll()
        poller.register(CHANNEL_FD, select.POLLIN)
        asm = wire.Assembler()
        fds: list[int] = []
        while True:
            poller.poll()
            try:
                data, more = recv_fds(self.chan)
            except BlockingIOError:
                continue
            if not data:
                os._exit(0)  # the runner is gone
            fds += more
            got = asm.feed(data)
            if got is None or got[0] != "message":
                continue
            name, args, kw = got[1]
            received, fds = fds, []
            defer = kw.pop("_defer", None)
            # signals this call raises for its own process wait until its result is out
            old = signal.pthread_sigmask(signal.SIG_BLOCK, defer) if defer else None
            sleeps = resource.getrusage(resource.RUSAGE_SELF).ru_nvcsw
            try:
                result = self.call(name, args, kw, received)
                reply: tuple[Any, ...] = ("ok", result)
            except CallFailed as e:
                reply = ("err", e.errno)
            except CannotCall as e:
                reply = ("cannot", e.reason)
            except MemoryError:
                reply = ("cannot", f"the run's limit of {MEMORY_LIMIT >> 20} MiB memory per process")
            except (ValueError, OverflowError, TypeError, ctypes.ArgumentError) as e:
                reply = ("cannot", f"a value C cannot pass to {name}() ({e})")
            if reply[1] is not FORKED:  # and whether the call slept (it had to wait)
                slept = resource.getrusage(resource.RUSAGE_SELF).ru_nvcsw > sleeps and not _traced()
                self.send((*reply, slept))
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def send(self, reply: Any) -> None:
        wire.send(self.chan, reply)

    # ----------------------------------------------------------- calls

    def call(self, name: str, args: list[Any], kw: dict[str, Any], fds: list[int]) -> Any:
        if name == "fork":
            if len(fds) != 1:
                raise CannotCall("fork came without the child's channel")
            return self.c_fork(fds[0])
        for extra in fds:  # descriptors only come with fork
            os.close(extra)
        fd = args[0] if name in _FD_FIRST and args and isinstance(args[0], int) else -1
        if fd >= FD_LIMIT or fd == CHANNEL_FD:
            raise CallFailed(9)  # EBADF: not a descriptor the process opened, as simulated
        method = getattr(self, "c_" + name, None)
        if method is None:
            raise CannotCall(f"{name}() is not a call of the SPEC")
        return method(*args, **kw)

    # processes and signals

    def c_fork(self, chan_fd: int) -> Any:
        pid = os.fork()
        if pid == 0:  # the child keeps this object (its mappings and handles are copies) and
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # answers on its own channel,
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # at the same number (past
            os.dup2(chan_fd, CHANNEL_FD)  # the limit: only raised for this dup2)
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
            os.close(chan_fd)
            return FORKED
        os.close(chan_fd)
        return pid

    def c_exit(self, code: int) -> None:
        os._exit(code & 0xFF)

    def c_wait(self) -> list[int]:
        status = ctypes.c_int()
        pid = check(libc.wait(ctypes.byref(status)))
        return [pid, status.value]

    def c_waitpid(self, pid: int) -> list[int]:
        status = ctypes.c_int()
        got = check(libc.waitpid(pid, ctypes.byref(status), 0))
        return [got, status.value]

    def c_getpid(self) -> int:
        return libc.getpid()

    def c_kill(self, pid: int, sig: int) -> int:
        return check(libc.kill(pid, sig))

    def c_signal(self, sig: int, handler: str, sa_restart: int = 0) -> int:
        try:
            if handler == "SIG_DFL":
                signal.signal(sig, signal.SIG_DFL)
            elif handler == "SIG_IGN":
                signal.signal(sig, signal.SIG_IGN)
            else:
                signal.signal(sig, _caught)
                signal.siginterrupt(sig, not sa_restart)
        except OSError as e:
            raise CallFailed(e.errno or 22) from None
        except ValueError:  # a number Python will not take: let the kernel say what it thinks
            if libc.signal(sig, 1) == L.MAP_FAILED:  # SIG_IGN (SIG_ERR is the same -1 as MAP_FAILED)
                raise CallFailed(ctypes.get_errno()) from None
        return 0

    def c_sigprocmask(self, how: int, sigs: list[int]) -> int:
        try:
            signal.pthread_sigmask(how, sigs)
        except OSError as e:
            raise CallFailed(e.errno or 22) from None
        return 0

    def c_sigpending(self) -> list[int]:
        return sorted(int(s) for s in signal.sigpending())

    def c_pause(self) -> int:
        return check(libc.pause())

    # pipes and FIFOs (a scaled pipe stands each script byte for `scale` real ones)

    def c_pipe(self, capacity: int = DEFAULT_PIPE, page_size: int = PAGE, scale: int = 1) -> list[int]:
        fds = (ctypes.c_int * 2)()
        check(libc.pipe(fds))
        if capacity * scale != DEFAULT_PIPE and libc.fcntl(fds[1], 1031, capacity * scale) == -1:
            err = ctypes.get_errno()  # F_SETPIPE_SZ refused: the pipe with it (one call in a script)
            libc.close(fds[0])
            libc.close(fds[1])
            raise CallFailed(err)
        return [fds[0], fds[1]]

    def c_mkfifo(self, path: bytes, mode: int = 0o600) -> int:
        return check(libc.mkfifo(path, mode))

    def c_open(self, path: bytes, flags: int, mode: int = 0o600) -> int:
        return check(libc.open(path, flags, mode & 0xFFFFFFFF))  # mode_t: -1 is 0xFFFFFFFF

    def c_write(self, fd: int, data: bytes, scale: int = 1) -> int:
        data = _expand(data, scale)
        return check(libc.write(fd, data, len(data))) // scale

    def c_read(self, fd: int, n: int, scale: int = 1) -> bytes:
        _count(n, scale)
        buf = ctypes.create_string_buffer(max(n * scale, 1))
        got = check(libc.read(fd, buf, n * scale))
        return buf.raw[:got:scale]

    def c_close(self, fd: int) -> int:
        return check(libc.close(fd))

    def c_dup(self, fd: int) -> int:
        return check(libc.dup(fd))

    def c_dup2(self, fd: int, newfd: int) -> int:
        if newfd == CHANNEL_FD and fcntl_ok(fd):
            raise CannotCall(f"descriptor {CHANNEL_FD} is this process's channel to the runner")
        return check(libc.dup2(fd, newfd))

    def c_unlink(self, path: bytes) -> int:
        return check(libc.unlink(path))

    def c_fcntl(self, fd: int, cmd: int, arg: int = 0, scale: int = 1) -> int:
        """Only the SPEC's commands reach the kernel (no F_SETOWN, F_SETSIG, O_ASYNC, ...)."""
        if cmd not in (F_GETFL, F_SETFL, F_GETPIPE_SZ, F_SETPIPE_SZ):
            raise CallFailed(22)  # EINVAL, as the simulation gives it
        if cmd == F_SETFL:
            arg = (check(libc.fcntl(fd, F_GETFL, 0)) & ~O_NONBLOCK) | (arg & O_NONBLOCK)
        if cmd == F_SETPIPE_SZ:
            arg *= scale
        result = check(libc.fcntl(fd, cmd, arg))
        return result // scale if cmd in (1031, 1032) else result

    # POSIX message queues

    def c_mq_open(
        self, name: bytes, flags: int, maxmsg: int = 10, msgsize: int = 8192, mode: int = 0o600
    ) -> int:
        attr = L.MqAttr(0, maxmsg, msgsize, 0)
        return check(libc.mq_open(name, flags, mode, ctypes.byref(attr) if flags & 0o100 else None))

    def c_mq_send(self, mqd: int, data: bytes, prio: int) -> int:
        return check(libc.mq_send(mqd, data, len(data), prio))

    def c_mq_receive(self, mqd: int) -> list[Any]:
        attr = L.MqAttr()
        size = attr.mq_msgsize if libc.mq_getattr(mqd, ctypes.byref(attr)) == 0 else 1
        buf = ctypes.create_string_buffer(size)
        prio = ctypes.c_uint()
        got = check(libc.mq_receive(mqd, buf, size, ctypes.byref(prio)))
        return [buf.raw[:got], prio.value]

    def c_mq_getattr(self, mqd: int) -> dict[str, int]:
        attr = L.MqAttr()
        check(libc.mq_getattr(mqd, ctypes.byref(attr)))
        return {"maxmsg": attr.mq_maxmsg, "msgsize": attr.mq_msgsize, "curmsgs": attr.mq_curmsgs}

    def c_mq_close(self, mqd: int) -> int:
        return check(libc.mq_close(mqd))

    def c_mq_unlink(self, name: bytes) -> int:
        return check(libc.mq_unlink(name))

    # System V message queues

    def c_msgget(self, key: int, flags: int, mode: int = 0, report_created: int = 0) -> int | list[Any]:
        """With `report_created`, [msqid, whether this call created it]: tried first with
        IPC_EXCL, so a queue that already existed is never taken for the run's own."""
        if not report_created:
            return check(libc.msgget(key, flags | mode))
        if key == 0 or (flags & IPC_CREAT and not flags & IPC_EXCL):
            qid = libc.msgget(key, flags | mode | IPC_CREAT | IPC_EXCL)
            if qid >= 0:
                return [qid, True]
            if ctypes.get_errno() != 17:  # EEXIST: it was there, so open it as asked
                raise CallFailed(ctypes.get_errno())
        qid = check(libc.msgget(key, flags | mode))
        return [qid, bool(flags & IPC_EXCL)]

    def c_msgsnd(self, msqid: int, mtype: int, data: bytes, nowait: int = 0) -> int:
        buf = struct.pack("=q", mtype) + data
        return check(libc.msgsnd(msqid, buf, len(data), 0o4000 if nowait else 0))

    def c_msgrcv(self, msqid: int, msgtyp: int, nowait: int = 0) -> list[Any]:
        buf = ctypes.create_string_buffer(8 + 8192)
        got = check(libc.msgrcv(msqid, buf, 8192, msgtyp, 0o4000 if nowait else 0))
        (mtype,) = struct.unpack_from("=q", buf.raw)
        return [buf.raw[8 : 8 + got], mtype]

    def c_msgctl(self, msqid: int, cmd: int) -> int:
        return check(libc.msgctl(msqid, cmd, None))

    # System V keys, semaphores and shared memory

    def c_ftok(self, path: bytes, proj: int) -> int:
        return check(libc.ftok(path, proj))

    def c_semget(self, key: int, nsems: int, flags: int = 0, mode: int = 0) -> int:
        return check(libc.semget(key, nsems, flags | mode))

    def c_semop(self, semid: int, ops: list[list[int]]) -> int:
        if any(not 0 <= op[0] <= 0xFFFF for op in ops):
            raise CannotCall("a semaphore number that C's unsigned short sem_num cannot hold")
        bufs = (L.SemBuf * max(len(ops), 1))()
        for i, op in enumerate(ops):
            bufs[i] = L.SemBuf(op[0], op[1], op[2] if len(op) > 2 else 0)
        return check(libc.semop(semid, bufs, len(ops)))

    def c_semctl(
        self, semid: int, num: int, cmd: int, arg: int | list[int] | None = None, nsems: int | None = None
    ) -> Any:
        if cmd in (L.GETALL, L.SETALL):
            n = nsems if nsems is not None else _count_sems(semid)
            values = (ctypes.c_ushort * max(n, 1))()
            if cmd == L.GETALL:
                check(libc.semctl(semid, num, cmd, ctypes.addressof(values)))
                return list(values[:n])
            assert isinstance(arg, list)
            if any(not 0 <= v <= 0xFFFF for v in arg):
                raise CannotCall("a value that C's unsigned short array cannot hold")
            if len(arg) != n:
                raise CallFailed(22)  # C cannot say it; refused as the simulation refuses it
            values[:n] = arg
            return check(libc.semctl(semid, num, cmd, ctypes.addressof(values)))
        return check(libc.semctl(semid, num, cmd, arg if isinstance(arg, int) else 0))

    def c_shmget(self, key: int, size: int, flags: int = 0, mode: int = 0) -> int:
        if size < 0:
            raise CannotCall(f"a size of {size} (C would pass a size_t)")
        return check(libc.shmget(key, size, flags | mode))

    def c_shmat(self, shmid: int, readonly: int = 0) -> int:
        """Attached between no-access pages, like an mmap here, so a stray access faults."""
        ds = ctypes.create_string_buffer(L.SHMID_DS_SIZE)
        if libc.shmctl(shmid, L.IPC_STAT, ds) == -1:
            err = ctypes.get_errno()  # the same EINVAL or EACCES (read) that shmat would give
            if libc.shmat(shmid, None, L.SHM_RDONLY) not in (None, L.MAP_FAILED):
                raise CannotCall("the segment can be attached but not looked at")
            raise CallFailed(err)
        (size,) = struct.unpack_from("=Q", ds.raw, L.SHM_SEGSZ_AT)
        length = -(-size // PAGE) * PAGE
        base = check_ptr_map(length + 2 * GUARD, L.PROT_NONE)
        flags = L.SHM_REMAP | (L.SHM_RDONLY if readonly else 0)
        addr = libc.shmat(shmid, base + GUARD, flags)
        if addr in (None, L.MAP_FAILED):
            err = ctypes.get_errno()
            libc.munmap(base, length + 2 * GUARD)
            raise CallFailed(err)
        self.attached.append((shmid, addr, length, bool(readonly)))
        if shmid not in self.sysv_locks:
            self.sysv_locks[shmid] = self._mutex(f"shmid-{shmid}")
        return 0

    def c_shmdt(self, shmid: int) -> int:
        i = self._attachment(shmid)
        if i is None:
            raise CallFailed(22)  # nothing attached: shmdt of an address that is not a segment
        _, addr, length, _ = self.attached.pop(i)
        check(libc.shmdt(addr))
        check_ptr_map(length, L.PROT_NONE, addr)  # keep the hole: touching it still faults
        return 0

    def c_shmctl(self, shmid: int, cmd: int) -> Any:
        ds = ctypes.create_string_buffer(L.SHMID_DS_SIZE)
        check(libc.shmctl(shmid, cmd, ds))
        if cmd == L.IPC_STAT:
            (size,) = struct.unpack_from("=Q", ds.raw, L.SHM_SEGSZ_AT)
            (nattch,) = struct.unpack_from("=Q", ds.raw, L.SHM_NATTCH_AT)
            return {"size": size, "nattch": nattch}
        return 0

    def _attachment(self, shmid: int) -> int | None:
        """peek, poke, shmdt and the lock calls use the latest attachment still attached."""
        return next((i for i in reversed(range(len(self.attached))) if self.attached[i][0] == shmid), None)

    # shared memory: each mapping sits between no-access pages, and its mutex in a hidden
    # segment of its own (so the segment's bytes are the script's alone)

    def c_shm_open(self, name: bytes, flags: int, mode: int = 0o600) -> int:
        return check(libc.shm_open(name, flags, mode))

    def c_ftruncate(self, fd: int, size: int) -> int:
        return check(libc.ftruncate(fd, size))

    def c_mmap(self, fd: int, name: str) -> int:
        st = _fstat(fd)
        size = st.st_size if st is not None else 0
        if st is not None and not stat.S_ISREG(st.st_mode):
            size = PAGE  # a pipe or socket: C would ask for some length, and the kernel says no
        length = -(-size // PAGE) * PAGE
        base = check_ptr_map(length + 2 * GUARD, L.PROT_NONE)
        addr = libc.mmap(base + GUARD, length, L.PROT_READ | L.PROT_WRITE, L.MAP_SHARED | L.MAP_FIXED, fd, 0)
        if addr in (None, L.MAP_FAILED):
            err = ctypes.get_errno()
            libc.munmap(base, length + 2 * GUARD)
            raise CallFailed(err)
        self._drop(name)
        self.maps[name] = (addr, length)
        self.locks[name] = self._mutex(str(os.fstat(fd).st_ino))
        return 0

    def c_munmap(self, name: str) -> int:
        if name not in self.maps:
            raise CallFailed(22)  # nothing is mapped under that name
        addr, length = self.maps[name]
        check(libc.munmap(addr, length))
        check_ptr_map(length, L.PROT_NONE, addr)  # keep the hole: touching it still faults
        del self.maps[name]
        self.locks.pop(name, None)
        return 0

    def c_poke(self, name: str | int, offset: int, data: bytes) -> int:
        ctypes.memmove(self._where(name, offset, len(data), store=True), data, len(data))
        return len(data)

    def c_peek(self, name: str | int, offset: int, n: int) -> bytes:
        if n < 0:
            raise CannotCall(f"a load of {n} bytes")
        return ctypes.string_at(self._where(name, offset, n), n)

    def c_lock(self, name: str | int) -> int:
        return _pthread(libc.pthread_mutex_lock(self._lock(name)))

    def c_trylock(self, name: str | int) -> int:
        return _pthread(libc.pthread_mutex_trylock(self._lock(name)))

    def c_unlock(self, name: str | int) -> int:
        return _pthread(libc.pthread_mutex_unlock(self._lock(name)))

    def c_shm_unlink(self, name: bytes) -> int:
        return check(libc.shm_unlink(name))

    def _where(self, name: str | int, offset: int, n: int, store: bool = False) -> int:
        """The address an access touches; outside the mapping and its guard, a no-access page."""
        if isinstance(name, int):
            return self._where_attached(name, offset, n, store)
        if name in self.maps and n == 0:
            return self.maps[name][0]
        if name in self.maps and offset >= 0 and offset + n <= self.maps[name][1]:
            return self.maps[name][0] + offset
        self._may_fault()
        if name in self.maps and offset >= -GUARD and offset + n <= self.maps[name][1] + GUARD:
            addr, length = self.maps[name]  # fault at the first byte that is not mapped
            return addr + (offset if offset < 0 else max(offset, length))
        return self.nowhere

    def _where_attached(self, shmid: int, offset: int, n: int, store: bool) -> int:
        i = self._attachment(shmid)
        if i is not None:
            _, addr, length, readonly = self.attached[i]
            if n == 0:
                return addr
            if offset >= 0 and offset + n <= length and not (store and readonly):
                return addr + offset
            self._may_fault()
            if store and readonly and offset >= 0 and offset + n <= length:
                return addr + offset  # the store itself faults: the pages are read-only
            if offset >= -GUARD and offset + n <= length + GUARD:
                return addr + (offset if offset < 0 else max(offset, length))
            return self.nowhere
        self._may_fault()
        return self.nowhere

    def _may_fault(self) -> None:
        """A fault under a handler that returns faults again forever (Linux restarts the
        instruction); the simulation ends the process instead, so that is not run."""
        for sig in (signal.SIGSEGV, signal.SIGBUS):
            if signal.getsignal(sig) is _caught:
                name = signal.Signals(sig).name
                raise CannotCall(f"this access may fault, and {name} has a handler that would return into it")

    def _lock(self, name: str | int) -> int:
        if isinstance(name, int):  # a System V segment's lock needs an attachment (EINVAL)
            if self._attachment(name) is None:
                raise CallFailed(22)
            return self.sysv_locks[name]
        if name not in self.locks:
            self._may_fault()
        return self.locks.get(name, self.nowhere)

    def _mutex(self, ident: str) -> int:
        hidden = f"/{self.prefix}lock-{ident}".encode()
        created = True
        fd = libc.shm_open(hidden, 0o102 | 0o200, 0o666)  # O_CREAT|O_RDWR|O_EXCL
        if fd == -1:
            created = False
            fd = check(libc.shm_open(hidden, 0o2, 0))
        try:
            if created:
                check(libc.ftruncate(fd, PAGE))
            addr = libc.mmap(None, PAGE, L.PROT_READ | L.PROT_WRITE, L.MAP_SHARED, fd, 0)
            if addr in (None, L.MAP_FAILED):
                raise CallFailed(ctypes.get_errno())
        finally:
            libc.close(fd)
        if created:
            attr = ctypes.create_string_buffer(16)
            libc.pthread_mutexattr_init(attr)
            libc.pthread_mutexattr_settype(attr, L.PTHREAD_MUTEX_ERRORCHECK)
            libc.pthread_mutexattr_setpshared(attr, L.PTHREAD_PROCESS_SHARED)
            libc.pthread_mutex_init(addr, attr)
        return addr

    def _drop(self, name: str) -> None:
        if name in self.maps:
            addr, length = self.maps.pop(name)
            check_ptr_map(length, L.PROT_NONE, addr)

    # POSIX semaphores: glibc hands back the same sem_t for a name already open, so the handle
    # table only numbers the pointers it returns

    def c_sem_open(self, name: bytes, flags: int, value: int = 1, mode: int = 0o600) -> int:
        ptr = L.check_ptr(libc.sem_open(name, flags, mode, value), 0)
        for h, entry in self.sems.items():
            if entry[0] == ptr:
                entry[1] += 1
                return h
        h = next(i for i in range(1, len(self.sems) + 2) if i not in self.sems)
        self.sems[h] = [ptr, 1]
        return h

    def c_sem_close(self, sem: int) -> int:
        entry = self.sems.get(sem)
        check(libc.sem_close(entry[0] if entry else self.nowhere))  # glibc: EINVAL for a stranger
        assert entry is not None
        entry[1] -= 1
        if entry[1] == 0:
            del self.sems[sem]
        return 0

    def c_sem_wait(self, sem: int) -> int:
        return check(libc.sem_wait(self._sem(sem)))

    def c_sem_trywait(self, sem: int) -> int:
        return check(libc.sem_trywait(self._sem(sem)))

    def c_sem_post(self, sem: int) -> int:
        return check(libc.sem_post(self._sem(sem)))

    def c_sem_getvalue(self, sem: int) -> int:
        value = ctypes.c_int()
        check(libc.sem_getvalue(self._sem(sem), ctypes.byref(value)))
        return value.value

    def c_sem_unlink(self, name: bytes) -> int:
        return check(libc.sem_unlink(name))

    def _sem(self, h: int) -> int:
        entry = self.sems.get(h)
        if entry is None:
            raise CannotCall(f"handle {h} is not open in this process (glibc would follow a wild pointer)")
        return entry[0]

    # sockets: the runner sends an address in both forms; the socket's family picks one

    def c_socket(self, domain: int, type: int) -> int:
        return check(libc.socket(domain, type, 0))

    def c_socketpair(self, domain: int, type: int) -> list[int]:
        fds = (ctypes.c_int * 2)()
        check(libc.socketpair(domain, type, 0, fds))
        return [fds[0], fds[1]]

    def c_bind(self, fd: int, addr: dict[str, Any]) -> int:
        raw = _sockaddr(fd, addr)
        old = os.umask(0o177)  # an AF_UNIX socket file is made 0600, as SPEC (and the simulation) has it
        try:
            return check(libc.bind(fd, raw, len(raw)))
        finally:
            os.umask(old)

    def c_connect(self, fd: int, addr: dict[str, Any]) -> int:
        raw = _sockaddr(fd, addr)
        return check(libc.connect(fd, raw, len(raw)))

    def c_listen(self, fd: int, backlog: int) -> int:
        return check(libc.listen(fd, backlog))

    def c_accept(self, fd: int) -> int:
        return check(libc.accept(fd, None, None))

    def c_send(self, fd: int, data: bytes) -> int:
        return check(libc.send(fd, data, len(data), 0))

    def c_recv(self, fd: int, n: int) -> bytes:
        _count(n)
        buf = ctypes.create_string_buffer(max(n, 1))
        got = check(libc.recv(fd, buf, n, 0))
        return buf.raw[:got]

    def c_sendto(self, fd: int, data: bytes, addr: dict[str, Any]) -> int:
        raw = _sockaddr(fd, addr)
        return check(libc.sendto(fd, data, len(data), 0, raw, len(raw)))

    def c_recvfrom(self, fd: int, n: int) -> list[Any]:
        _count(n)
        buf = ctypes.create_string_buffer(max(n, 1))
        raw = ctypes.create_string_buffer(128)
        size = ctypes.c_uint(128)
        got = check(libc.recvfrom(fd, buf, n, 0, raw, ctypes.byref(size)))
        return [buf.raw[:got], L.parse_sockaddr(raw.raw[: size.value]), _sockopt(fd, L.SO_TYPE)]

    def c_shutdown(self, fd: int, how: int) -> int:
        return check(libc.shutdown(fd, how))


class CannotCall(Exception):
    """A call this machine cannot make as the script asks (said so, never faked)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _traced() -> bool:
    """Under strace every system call stops the process, so a sleep says nothing then."""
    try:
        with open("/proc/self/status", "rb") as f:
            return any(line.startswith(b"TracerPid:") and line.split()[1] != b"0" for line in f)
    except OSError:  # the sandbox has no /proc: as the guard was when it made it (strace -f)
        return TRACED_AT_START


TRACED_AT_START = False  # set by the guard before it enters the sandbox; forks inherit it
INHERITED = 0  # bytes of address space a worker starts with (the runner's image, forked)


def note_start() -> None:
    """Read in the guard while /proc is in sight: whether it is traced, and how big the image
    every worker inherits is (the memory limit is on top of it: a runner inside a big program
    must not leave its workers no room at all)."""
    global TRACED_AT_START, INHERITED
    TRACED_AT_START = _traced()
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSize:"):
                    INHERITED = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        INHERITED = 0


def _expand(data: bytes, scale: int) -> bytes:
    return data if scale == 1 else b"".join(bytes([b]) * scale for b in data)


def _count(n: int, scale: int = 1) -> None:
    if n < 0:
        raise CannotCall(f"a buffer of {n} bytes (C would pass a size_t, and a buffer that size)")
    if n * scale > MEMORY_LIMIT // 2:
        raise CannotCall(
            f"a buffer of {n} bytes: the run's limit of {MEMORY_LIMIT >> 20} MiB memory per process"
        )


def fcntl_ok(fd: int) -> bool:
    """Whether fd is open (so a dup2 from it would go through)."""
    return libc.fcntl(fd, 1, 0) != -1  # F_GETFD


def _count_sems(semid: int) -> int:
    """How many semaphores a set has, found with GETVAL (which refuses a number past the end)."""
    n = 0
    while libc.semctl(semid, n, L.GETVAL, 0) != -1:
        n += 1
    if n == 0:
        raise CallFailed(ctypes.get_errno())
    return n


def _fstat(fd: int) -> os.stat_result | None:
    try:
        return os.fstat(fd)
    except OSError:
        return None


def _pthread(rc: int) -> int:
    if rc:
        raise CallFailed(rc)
    return 0


def _sockopt(fd: int, opt: int) -> int:
    value = ctypes.c_int()
    size = ctypes.c_uint(4)
    if libc.getsockopt(fd, L.SOL_SOCKET, opt, ctypes.byref(value), ctypes.byref(size)) == -1:
        return -1
    return value.value


def _sockaddr(fd: int, addr: dict[str, Any]) -> bytes:
    """The address in the form the socket's family takes (an AF_UNIX sockaddr for a non-socket,
    so the call itself reports ENOTSOCK or EBADF)."""
    if _sockopt(fd, L.SO_DOMAIN) == socket.AF_INET:
        inet = addr.get("inet")  # not an address: the text as C would pass it, as a path
        return L.sockaddr_in(*inet) if inet is not None else L.sockaddr_un(addr["raw"])
    return L.sockaddr_un(addr["unix"])


def check_ptr_map(length: int, prot: int, at: int | None = None) -> int:
    flags = L.MAP_PRIVATE | L.MAP_ANONYMOUS | L.MAP_NORESERVE | (L.MAP_FIXED if at else 0)
    addr = libc.mmap(at, length, prot, flags, -1, 0)
    if addr in (None, L.MAP_FAILED):
        raise CallFailed(ctypes.get_errno())
    return addr


def recv_fds(sock: socket.socket) -> tuple[bytes, list[int]]:
    """One record and the descriptors that came with it."""
    fds = array.array("i")
    data, anc, _flags, _addr = sock.recvmsg(wire.CHUNK + 16, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    return data, list(fds)


def start(chan_fd: int, prefix: str, comm: bytes, uid: int | None) -> None:
    """Become a worker, in a child the guard has just forked; never returns."""
    code = 70
    try:
        os.setpgid(0, 0)  # out of the terminal's group (its ctrl+c is the runner's to handle)
        name = ctypes.create_string_buffer(comm[:15])  # how the sweep finds every worker, forks too
        libc.prctl(15, ctypes.addressof(name), 0, 0, 0)  # PR_SET_NAME (/proc may be read-only)
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard <= CHANNEL_FD:
            resource.setrlimit(resource.RLIMIT_NOFILE, (CHANNEL_FD + 1, CHANNEL_FD + 1))  # root only
        else:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        os.dup2(chan_fd, CHANNEL_FD)  # then the soft limit comes down under it
        nowhere = os.open("/", os.O_PATH)  # 0-2 are not modelled: using them gives EBADF
        for fd in (0, 1, 2):
            os.dup2(nowhere, fd)
        os.closerange(3, CHANNEL_FD)
        os.closerange(CHANNEL_FD + 1, 1 << 16)
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, hard))
        room = MEMORY_LIMIT + INHERITED
        resource.setrlimit(resource.RLIMIT_AS, (room, room))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.umask(0)
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        for sig in ALL_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        chan = socket.socket(fileno=CHANNEL_FD)
        chan.setblocking(False)
        signal.set_wakeup_fd(CHANNEL_FD, warn_on_full_buffer=False)
        worker = Worker(chan, prefix)
        worker.send(("ready",))  # the runner's next line must find this process as it will stay
        worker.serve()
    except BaseException:
        code = 71
        if os.environ.get("IPCTUI_REAL_DEBUG"):  # a worker has no terminal: say why it ended
            with open(os.environ["IPCTUI_REAL_DEBUG"], "a") as f:
                traceback.print_exc(file=f)
    finally:
        os._exit(code)
