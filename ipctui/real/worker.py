"""One real process of a real run: it waits for the runner's next call, makes it for real through
libc, and reports the result. The runner has already turned the script's names, pids and ids into
the machine's; this module only calls.

It talks to the runner over one SOCK_SEQPACKET socket held above every descriptor a script can
reach. A caught signal writes its number there as a one-byte message from the C-level handler (the
interpreter's wakeup fd), so the runner sees the signal when it happens and in order with the
replies, even when the call it interrupts is restarted.
"""

from __future__ import annotations

import array
import ctypes
import os
import pickle
import resource
import select
import signal
import socket
import stat
import struct
import traceback
from typing import Any

from . import libc as L
from .libc import CallFailed, check, libc

CHANNEL_FD = 1000  # above anything a script reaches before RLIMIT_NOFILE (1024) stops it
PAGE = os.sysconf("SC_PAGE_SIZE")
GUARD = 16 * PAGE  # no-access pages around each mapping, so a stray access faults as on the SPEC
CHUNK = 60000
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
        self.nowhere = check_ptr_map(PAGE, L.PROT_NONE)  # what an access to nothing touches

    # ----------------------------------------------------------- the loop

    def serve(self) -> None:
        poller = select.poll()
        poller.register(CHANNEL_FD, select.POLLIN)
        while True:
            poller.poll()
            try:
                data, fds = recv_fds(self.chan)
            except BlockingIOError:
                continue
            if not data:
                os._exit(0)  # the runner is gone
            name, args, kw = pickle.loads(data)
            defer = kw.pop("_defer", None)
            # signals this call raises for its own process wait until its result is out
            old = signal.pthread_sigmask(signal.SIG_BLOCK, defer) if defer else None
            sleeps = resource.getrusage(resource.RUSAGE_SELF).ru_nvcsw
            try:
                result = self.call(name, args, kw, fds)
                reply: tuple[Any, ...] = ("ok", result)
            except CallFailed as e:
                reply = ("err", e.errno)
            except CannotCall as e:
                reply = ("cannot", e.reason)
            except (ValueError, OverflowError, ctypes.ArgumentError) as e:
                reply = ("cannot", f"a value C cannot pass to {name}() ({e})")
            if reply[1] is not FORKED:  # and whether the call slept (it had to wait)
                slept = resource.getrusage(resource.RUSAGE_SELF).ru_nvcsw > sleeps and not _traced()
                self.send((*reply, slept))
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def send(self, reply: Any) -> None:
        data = pickle.dumps(reply)
        parts = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
        for i, part in enumerate(parts):
            msg = (b"E" if i == len(parts) - 1 else b"M") + part
            while True:
                try:
                    self.chan.send(msg)
                    break
                except BlockingIOError:
                    select.select([], [CHANNEL_FD], [])

    # ----------------------------------------------------------- calls

    def call(self, name: str, args: list[Any], kw: dict[str, Any], fds: list[int]) -> Any:
        if name == "fork":
            return self.c_fork(fds[0])
        return getattr(self, "c_" + name)(*args, **kw)

    # processes and signals

    def c_fork(self, chan_fd: int) -> Any:
        pid = os.fork()
        if pid == 0:  # the child keeps this object (its mappings and handles are copies) and
            os.dup2(chan_fd, CHANNEL_FD)  # answers on its own channel, at the same number
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

    def c_open(self, path: bytes, flags: int) -> int:
        return check(libc.open(path, flags, 0))

    def c_write(self, fd: int, data: bytes, scale: int = 1) -> int:
        data = _expand(data, scale)
        return check(libc.write(fd, data, len(data))) // scale

    def c_read(self, fd: int, n: int, scale: int = 1) -> bytes:
        _count(n)
        buf = ctypes.create_string_buffer(max(n * scale, 1))
        got = check(libc.read(fd, buf, n * scale))
        return buf.raw[:got:scale]

    def c_close(self, fd: int) -> int:
        return check(libc.close(fd))

    def c_unlink(self, path: bytes) -> int:
        return check(libc.unlink(path))

    def c_fcntl(self, fd: int, cmd: int, arg: int = 0, scale: int = 1) -> int:
        if cmd == 1031:  # F_SETPIPE_SZ
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

    def c_msgget(self, key: int, flags: int, mode: int = 0) -> int:
        return check(libc.msgget(key, flags | mode))

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
        self.locks[name] = self._mutex(os.fstat(fd).st_ino)
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

    def c_poke(self, name: str, offset: int, data: bytes) -> int:
        ctypes.memmove(self._where(name, offset, len(data)), data, len(data))
        return len(data)

    def c_peek(self, name: str, offset: int, n: int) -> bytes:
        if n < 0:
            raise CannotCall(f"a load of {n} bytes")
        return ctypes.string_at(self._where(name, offset, n), n)

    def c_lock(self, name: str) -> int:
        return _pthread(libc.pthread_mutex_lock(self._lock(name)))

    def c_trylock(self, name: str) -> int:
        return _pthread(libc.pthread_mutex_trylock(self._lock(name)))

    def c_unlock(self, name: str) -> int:
        return _pthread(libc.pthread_mutex_unlock(self._lock(name)))

    def c_shm_unlink(self, name: bytes) -> int:
        return check(libc.shm_unlink(name))

    def _where(self, name: str, offset: int, n: int) -> int:
        """The address an access touches; outside the mapping and its guard, a no-access page."""
        if name in self.maps and n == 0:
            return self.maps[name][0]
        if name in self.maps and offset >= 0 and offset + n <= self.maps[name][1]:
            return self.maps[name][0] + offset
        self._may_fault()
        if name in self.maps and offset >= -GUARD and offset + n <= self.maps[name][1] + GUARD:
            addr, length = self.maps[name]  # fault at the first byte that is not mapped
            return addr + (offset if offset < 0 else max(offset, length))
        return self.nowhere

    def _may_fault(self) -> None:
        """A fault under a handler that returns faults again forever (Linux restarts the
        instruction); the simulation ends the process instead, so that is not run."""
        for sig in (signal.SIGSEGV, signal.SIGBUS):
            if signal.getsignal(sig) is _caught:
                name = signal.Signals(sig).name
                raise CannotCall(f"this access may fault, and {name} has a handler that would return into it")

    def _lock(self, name: str) -> int:
        if name not in self.locks:
            self._may_fault()
        return self.locks.get(name, self.nowhere)

    def _mutex(self, ino: int) -> int:
        hidden = f"/{self.prefix}lock-{ino}".encode()
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
    with open("/proc/self/status", "rb") as f:
        return any(line.startswith(b"TracerPid:") and line.split()[1] != b"0" for line in f)


def _expand(data: bytes, scale: int) -> bytes:
    return data if scale == 1 else b"".join(bytes([b]) * scale for b in data)


def _count(n: int) -> None:
    if n < 0:
        raise CannotCall(f"a buffer of {n} bytes (C would pass a size_t, and a buffer that size)")


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


def recv_fds(sock: socket.socket, blocking: bool = False) -> tuple[bytes, list[int]]:
    """One message and the descriptors that came with it."""
    fds = array.array("i")
    data, anc, _flags, _addr = sock.recvmsg(
        1 << 20,  # a line may be longer than 64 KiB
        socket.CMSG_SPACE(4 * fds.itemsize),
    )
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    return data, list(fds)


def start(chan_fd: int, prefix: str, comm: bytes, uid: int | None) -> None:
    """Become a worker, in a child the guard has just forked; never returns."""
    code = 70
    try:
        os.setpgid(0, 0)  # out of the terminal's group (its ctrl+c is the runner's to handle)
        with open("/proc/self/comm", "wb") as f:  # how the sweep finds every worker, forks too
            f.write(comm)
        os.dup2(chan_fd, CHANNEL_FD)
        nowhere = os.open("/", os.O_PATH)  # 0-2 are not modelled: using them gives EBADF
        for fd in (0, 1, 2):
            os.dup2(nowhere, fd)
        os.closerange(3, CHANNEL_FD)
        os.closerange(CHANNEL_FD + 1, 1 << 16)
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
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
