"""Moving data through sockets: send/recv on streams, sendto/recvfrom on datagrams."""

from __future__ import annotations

from ..vocab.constants import AF_INET, AF_UNIX, SIGPIPE
from .errors import Errno, Interrupted, SysError
from .kernel import FILE_KINDS, FileOps, Kernel
from .process import OpenFile, Process
from .socket import (
    RCVBUF,
    SOCKADDR_STORAGE,
    Socket,
    _find_listener,
    addr_size,
    copy_addr,
    destination,
    ephemeral,
    release,
    sock_of,
    tcp_closed,
)
from .syscalls import syscall
from .waitq import CallGen

UDP_MAX = 65507  # the largest UDP payload over IPv4
UNIX_DGRAM_MAX = 212992 - 32  # unix_dgram_sendmsg: the default sk_sndbuf (wmem_default) less 32


def _epipe(k: Kernel, p: Process) -> SysError:
    k.send_signal(p, SIGPIPE)
    return SysError(Errno.EPIPE)


def stream_send(k: Kernel, p: Process, f: OpenFile, s: Socket, data: bytes) -> CallGen:
    # TCP reports a reset to a send; AF_UNIX's send looks only at the peer's shutdown (EPIPE),
    # leaving the reset for the next recv (unix_stream_sendmsg)
    if s.pending_error is Errno.ECONNRESET and s.domain == AF_INET:
        s.pending_error = None
        raise SysError(Errno.ECONNRESET)
    if s.peer is None:  # never connected
        if s.pending_error is Errno.ECONNREFUSED:  # sk_stream_wait_connect reports it first
            s.pending_error = None
            raise SysError(Errno.ECONNREFUSED)
        if s.state == "SYN_SENT" and f.nonblock:
            raise SysError(Errno.EAGAIN)
        if s.domain == AF_UNIX:
            raise SysError(Errno.ENOTCONN)
        raise _epipe(k, p)
    if s.shut_wr:
        raise _epipe(k, p)
    if not data:  # unix_stream_sendmsg looks at the peer before it counts the bytes (Linux 6.18)
        if s.domain == AF_UNIX and (s.peer_gone or s.peer.shut_rd):
            raise _epipe(k, p)
        return 0
    done = 0
    while True:
        peer = s.peer
        if s.peer_gone or (s.domain == AF_UNIX and peer.shut_rd):
            if s.domain == AF_INET and not s.reset and not done:
                s.reset = True  # the bytes are lost: the closed peer answers with a reset
                tcp_closed(k, s)
                return len(data)
            if done:
                k.send_signal(p, SIGPIPE)
                return done
            raise _epipe(k, p)
        room = RCVBUF - len(peer.rbuf)
        if room > 0:
            chunk = data[done : done + room]
            peer.rbuf += chunk
            done += len(chunk)
            k.wake_one(peer.data_wait)
        if done == len(data):
            return done
        if f.nonblock:
            if done:
                return done
            raise SysError(Errno.EAGAIN)
        try:
            yield peer.room_wait
        except Interrupted:
            if done:
                return done
            raise


def stream_recv(k: Kernel, p: Process, f: OpenFile, s: Socket, n: int) -> CallGen:
    if s.peer is None and not s.peer_gone and s.state != "SYN_SENT":
        if s.pending_error is Errno.ECONNREFUSED:
            s.pending_error = None
            raise SysError(Errno.ECONNREFUSED)
        if s.done or (s.shut_rd and s.domain == AF_INET):
            return b""  # shut down for reading (by a refusal, or by shutdown itself)
        raise SysError(Errno.ENOTCONN if s.domain == AF_INET else Errno.EINVAL)
    while True:  # recv(fd, 0) waits like any recv, then takes nothing
        if s.rbuf:
            if n == 0:
                return b""
            out = bytes(s.rbuf[:n])
            del s.rbuf[:n]
            k.wake_one(s.room_wait)
            if s.rbuf:
                k.wake_one(s.data_wait)
            return out
        if s.pending_error is Errno.ECONNRESET:
            s.pending_error = None
            raise SysError(Errno.ECONNRESET)
        if s.peer_fin or s.shut_rd or s.peer_gone:
            return b""
        if f.nonblock:
            raise SysError(Errno.EAGAIN)
        yield s.data_wait


def _dgram_target(k: Kernel, p: Process, s: Socket, addr: str) -> Socket | None:
    """Where a datagram to `addr` goes: a socket, or None when UDP drops it."""
    if s.domain == AF_UNIX:
        return _find_listener(k, p, s, addr)
    ip, port = destination(addr)
    if port == 0:
        raise SysError(Errno.EINVAL)  # udp_sendmsg: no port to send to
    for other in k.ports["udp"].get(port, {}).values():
        if other.ip in ("0.0.0.0", ip) and not other.closed:
            return other
    return None


def _source(s: Socket) -> str:
    if s.domain == AF_UNIX:
        return s.local or ""
    ip = "127.0.0.1" if s.ip in (None, "0.0.0.0") else s.ip
    return f"{ip}:{s.port}"


def dgram_send(k: Kernel, p: Process, f: OpenFile, s: Socket, data: bytes, addr: str | None) -> CallGen:
    if s.pending_error is not None:
        err, s.pending_error = s.pending_error, None
        raise SysError(err)
    if s.domain == AF_INET and s.port is None:
        ephemeral(k, s)  # inet_sendmsg binds first, whatever udp_sendmsg then says
        s.state = "bound" if s.state == "unbound" else s.state
    limit = UDP_MAX if s.domain == AF_INET else UNIX_DGRAM_MAX
    if s.domain == AF_INET and len(data) > 0xFFFF:
        raise SysError(Errno.EMSGSIZE)  # udp_sendmsg's first check, before the address
    if addr is None and s.remote is None and s.domain == AF_INET:
        raise SysError(Errno.EDESTADDRREQ)
    if s.domain == AF_INET:
        dest = addr if addr is not None else s.remote
        assert dest is not None
        target = _dgram_target(k, p, s, dest)
    if len(data) > limit:
        raise SysError(Errno.EMSGSIZE)
    if s.shut_wr:
        raise SysError(Errno.EPIPE)  # sock_alloc_send_pskb: shut down for writing (no SIGPIPE here)
    if addr is None and s.remote is None:  # unix_dgram_sendmsg looks for its peer after the skb
        raise SysError(Errno.ENOTCONN)
    if s.domain == AF_UNIX and addr is None:
        target = s.peer
        if target is not None and not target.closed and target.peer not in (None, s):
            raise SysError(Errno.EPERM)  # it has since connected to another (unix_may_send)
        if target is None or target.closed:
            s.peer, s.remote, s.state = None, None, "bound" if s.local else "unbound"
            raise SysError(Errno.ECONNREFUSED)  # once; then ENOTCONN
    elif s.domain == AF_UNIX and addr is not None:  # that socket, connected or not
        target = _dgram_target(k, p, s, addr)
        if target is not None and target.peer not in (None, s):
            raise SysError(Errno.EPERM)  # it is connected to another: unix_may_send says no
    if s.domain == AF_UNIX and target is not None and target.shut_rd:
        raise SysError(Errno.EPIPE)  # unix_dgram_sendmsg: the receiver is shut for reading
    if target is None:
        if addr is None:  # connected UDP: the ICMP port-unreachable comes back as an error
            s.pending_error = Errno.ECONNREFUSED
            k.wake_one(s.data_wait)
        return len(data)
    while target.dgrams and target.dbytes + len(data) > RCVBUF:  # an empty queue takes any one
        if s.domain == AF_INET:
            return len(data)  # a full UDP receive buffer drops the datagram
        if f.nonblock:
            raise SysError(Errno.EAGAIN)
        yield target.room_wait
        if target.closed:
            raise SysError(Errno.ECONNREFUSED)
        if target.shut_rd:
            raise SysError(Errno.EPIPE)
    target.dgrams.append((data, _source(s)))
    target.dbytes += len(data)
    k.wake_one(target.data_wait)
    return len(data)


def dgram_recv(k: Kernel, p: Process, f: OpenFile, s: Socket, n: int) -> CallGen:
    while True:
        if s.pending_error is not None:
            err, s.pending_error = s.pending_error, None
            raise SysError(err)
        if s.dgrams:
            data, src = s.dgrams.popleft()
            s.dbytes -= len(data)
            k.wake_one(s.room_wait)
            if s.dgrams:
                k.wake_one(s.data_wait)
            return data[:n], src
        if f.nonblock:  # shut for reading too: the queue is looked at before the shutdown
            raise SysError(Errno.EAGAIN)
        if s.shut_rd:  # a wait that would end at once, with nothing (__skb_wait_for_more_packets)
            return b"", ""
        yield s.data_wait


def _send(k: Kernel, p: Process, f: OpenFile, data: bytes, addr: str | None = None) -> CallGen:
    s: Socket = f.obj
    if s.stream:
        return (yield from stream_send(k, p, f, s, data))
    return (yield from dgram_send(k, p, f, s, data, addr))


def _recv(k: Kernel, p: Process, f: OpenFile, n: int) -> CallGen:
    s: Socket = f.obj
    if s.stream:
        return (yield from stream_recv(k, p, f, s, n))
    data, _ = yield from dgram_recv(k, p, f, s, n)
    return data


@syscall("send", "fd:fd, data:bytes", mechanism="socket", summary="send bytes on a connected socket")
def sys_send(k: Kernel, p: Process, fd: int, data: bytes) -> CallGen:
    f, _ = sock_of(k, p, fd)
    return _send(k, p, f, data)


@syscall("recv", "fd:fd, count:int", mechanism="socket", summary='receive up to count bytes ("" at end)')
def sys_recv(k: Kernel, p: Process, fd: int, count: int) -> CallGen:
    f, _ = sock_of(k, p, fd)
    if count < 0:
        raise SysError(Errno.EINVAL)
    return _recv(k, p, f, count)


@syscall("sendto", "fd:fd, data:bytes, addr:str", mechanism="socket", summary="send a datagram to an address")
def sys_sendto(k: Kernel, p: Process, fd: int, data: bytes, addr: str) -> CallGen:
    f, s = sock_of(k, p, fd)
    if addr_size(s.domain, addr) > SOCKADDR_STORAGE:  # copied before any protocol looks at it
        raise SysError(Errno.EINVAL)
    if not s.stream and s.domain == AF_UNIX:  # unix_dgram_sendmsg validates it first
        copy_addr(s.domain, addr)
    if s.stream and s.domain == AF_UNIX:  # unix_stream_sendmsg refuses an address
        raise SysError(Errno.EISCONN if s.peer is not None else Errno.EOPNOTSUPP)
    return _send(k, p, f, data, None if s.stream else addr)


@syscall("recvfrom", "fd:fd, count:int", mechanism="socket", summary="receive a datagram and its sender")
def sys_recvfrom(k: Kernel, p: Process, fd: int, count: int) -> CallGen:
    f, s = sock_of(k, p, fd)
    if count < 0:
        raise SysError(Errno.EINVAL)
    if s.stream:
        data = yield from stream_recv(k, p, f, s, count)
        return [data, s.remote if s.domain == AF_UNIX and s.remote else ""]
    data, src = yield from dgram_recv(k, p, f, s, count)
    return [data, src]


def _read(k: Kernel, p: Process, f: OpenFile, n: int) -> CallGen:
    """read on a socket: recv, except that 0 bytes are "" at once, whatever the socket's state
    (sock_read_iter returns before the protocol is asked)."""
    if n == 0:
        return b""
    return (yield from _recv(k, p, f, n))


FILE_KINDS["socket"] = FileOps(release=release, read=_read, write=_send)
