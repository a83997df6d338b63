"""Sockets: AF_INET and AF_UNIX, stream and datagram; addresses, ports, and connection set-up.

There is one host: every 127.x.x.x address is it. TCP and UDP have their own port spaces, and
ephemeral ports are handed out from 32768 upwards. A stream socket's state is kept in TCP's
terms (for AF_UNIX too, as the views draw both alike). Sending and receiving are in sockio.py.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..vocab.constants import (
    AF_INET,
    AF_UNIX,
    SHUT_RD,
    SHUT_RDWR,
    SHUT_WR,
    SOCK_CLOEXEC,
    SOCK_DGRAM,
    SOCK_NONBLOCK,
    SOCK_STREAM,
)
from .errors import Errno, SysError
from .kernel import Kernel
from .perm import check
from .process import OpenFile, Process
from .syscalls import syscall
from .waitq import CallGen, WaitQueue

RCVBUF = 65536
EPHEMERAL = (32768, 60999)  # /proc/sys/net/ipv4/ip_local_port_range
SOMAXCONN = 4096
_INET = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})\Z")


@dataclass(eq=False)
class SocketNode:
    """An AF_UNIX socket file: it stays after its socket closes, until unlinked."""

    path: str
    owner: int
    mode: int
    sock: Socket | None


@dataclass(eq=False)
class Socket:
    id: int
    domain: int
    type: int
    state: str = "CLOSED"  # stream: TCP's states; datagram: unbound / bound / connected
    local: str | None = None
    remote: str | None = None
    peer: Socket | None = None
    port: int | None = None  # the port this socket uses (AF_INET)
    ip: str | None = None  # the address it bound (or was given), AF_INET
    rbuf: bytearray = field(default_factory=bytearray)  # stream receive buffer
    dgrams: deque[tuple[bytes, str]] = field(default_factory=deque)
    dbytes: int = 0
    backlog: int = 0
    accept_queue: deque[Socket] = field(default_factory=deque)  # established, not yet accepted
    syn_queue: deque[Socket] = field(default_factory=deque)  # waiting for room in accept_queue
    listener: Socket | None = None  # where a connecting socket waits
    shut_rd: bool = False
    shut_wr: bool = False
    peer_fin: bool = False  # the peer will send no more (shut down writing, or closed)
    peer_gone: bool = False  # the peer socket is closed
    reset: bool = False  # TCP: the connection was reset; sends give EPIPE (after one ECONNRESET)
    pending_error: Errno | None = None  # reported once by the next call (ECONNRESET, ECONNREFUSED)
    connect_done: bool = False  # a non-blocking connect finished and has not been reported yet
    connecting: bool = False  # a non-blocking connect said EINPROGRESS and has not been reported
    disconnecting: bool = False  # shut down while connecting and not connected: connect is EINVAL
    unlistened: bool = False  # TCP: a listener that shutdown disconnected can never connect (EINVAL)
    syn_sent: bool = False  # TCP: a connect went out; the socket can never listen (Linux 6.18)
    listen_bound: bool = False  # TCP: such a socket's listen, refused, kept a port: bind is EINVAL
    port_locked: bool = False  # TCP: bound by number (SOCK_BINDPORT_LOCK): kept when it closes
    done: bool = False  # TCP: refused while connecting, and no connect has since cleaned up (tcp_done's
    # shutdown of both ways stays until connect disconnects: recv gives "" meanwhile)
    closed: bool = False
    node: SocketNode | None = None
    abstract: bool = False  # AF_UNIX: bound to "", the abstract name of no bytes (no file)
    data_wait: WaitQueue = field(default_factory=lambda: WaitQueue("recv"))
    room_wait: WaitQueue = field(default_factory=lambda: WaitQueue("send"))
    accept_wait: WaitQueue = field(default_factory=lambda: WaitQueue("accept"))
    connect_wait: WaitQueue = field(default_factory=lambda: WaitQueue("connect"))

    @property
    def stream(self) -> bool:
        return self.type == SOCK_STREAM

    @property
    def proto(self) -> str:
        return "tcp" if self.stream else "udp"

    @property
    def kind(self) -> str:
        """TCP, UDP, UNIX-STREAM or UNIX-DGRAM (for views)."""
        if self.domain == AF_INET:
            return "TCP" if self.stream else "UDP"
        return "UNIX-STREAM" if self.stream else "UNIX-DGRAM"

    @property
    def named(self) -> bool:
        """AF_UNIX: bound to a name (a path or the abstract one); a second bind is EINVAL."""
        return self.node is not None or self.abstract

    @property
    def connected(self) -> bool:
        return self.state in ("ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_2")

    @property
    def buffered(self) -> int:
        return len(self.rbuf) if self.stream else self.dbytes


def parse_inet(addr: str) -> tuple[str, int]:
    """("a.b.c.d", port). `localhost` is 127.0.0.1. Any other text is what C would pass, a
    sockaddr_un holding it: shorter than a sockaddr_in, EINVAL; else the wrong family."""
    if addr.startswith("localhost:"):
        addr = "127.0.0.1:" + addr[len("localhost:") :]
    m = _INET.match(addr)
    if m is None or any(int(x) > 255 for x in m.groups()[:4]) or int(m.group(5)) > 65535:
        short = 2 + len(addr.encode("utf-8", "surrogateescape")) + 1 < 16
        raise SysError(Errno.EINVAL if short else Errno.EAFNOSUPPORT)
    return ".".join(str(int(x)) for x in m.groups()[:4]), int(m.group(5))


SOCKADDR_STORAGE = 128  # the most bytes of an address the kernel copies (move_addr_to_kernel)
SOCKADDR_UN = 110  # sun_family and sun_path's 108 bytes (unix_validate_addr)


def addr_size(domain: int | None, addr: str) -> int:
    """The length C passes with `addr`: a sockaddr_in for an AF_INET socket's address, otherwise
    a sockaddr_un holding the text and its NUL (the real run passes exactly these)."""
    if domain == AF_INET:
        try:
            parse_inet(addr)
            return 16
        except SysError:
            pass
    return 2 + len(addr.encode("utf-8", "surrogateescape")) + 1


def copy_addr(domain: int | None, addr: str) -> None:
    """What any address goes through first: past a sockaddr_storage it is EINVAL whatever the
    socket; an AF_UNIX socket's path past sun_path is EINVAL too (before the path is walked)."""
    size = addr_size(domain, addr)
    if size > SOCKADDR_STORAGE or (domain == AF_UNIX and size > SOCKADDR_UN):
        raise SysError(Errno.EINVAL)


def is_local(ip: str) -> bool:
    return ip.startswith("127.")


def sock_of(k: Kernel, p: Process, fd: int) -> tuple[OpenFile, Socket]:
    f = k.open_file(p, fd)
    if f.kind != "socket":
        raise SysError(Errno.ENOTSOCK)
    return f, f.obj


def _claim_port(k: Kernel, s: Socket, ip: str, port: int) -> None:
    users = k.ports[s.proto].setdefault(port, {})
    users[s.id] = s
    s.ip, s.port = ip, port
    s.local = f"{ip}:{port}"


def _free_port(k: Kernel, s: Socket) -> None:
    if s.port is None:
        return
    users = k.ports[s.proto].get(s.port)
    if users is not None:
        users.pop(s.id, None)
        if not users:
            del k.ports[s.proto][s.port]


def tcp_closed(k: Kernel, s: Socket, time_wait: bool = False) -> None:
    """tcp_set_state(TCP_CLOSE) of a connection: a port the socket was not bound to by number is
    given back (inet_put_port), so the socket may bind again (measured on Linux 6.18); with
    `time_wait`, the socket had sent its FIN first, so Linux keeps its port a minute longer."""
    s.state = "CLOSED"
    if s.domain != AF_INET:
        return
    if time_wait and s.port is not None:
        k.time_wait.append(s.port)
    if not s.port_locked:
        _free_port(k, s)
        s.port = s.ip = s.local = None
        s.listen_bound = False


def _overlap(ip: str, other: str | None) -> bool:
    """Whether two binds of one port clash (inet_csk_bind_conflict, no SO_REUSEADDR): the same
    address, or either one the wildcard 0.0.0.0; 127.0.0.1 and 127.0.0.2 may share a port."""
    return other is None or ip == other or "0.0.0.0" in (ip, other)


def ephemeral(k: Kernel, s: Socket, ip: str = "0.0.0.0") -> None:
    """Give an unbound AF_INET socket the next free ephemeral port (EADDRNOTAVAIL if none)."""
    table = k.ports[s.proto]
    lo, hi = EPHEMERAL
    port = k.next_port[s.proto]
    for _ in range(hi - lo + 1):
        if port > hi:
            port = lo
        if port not in table:
            k.next_port[s.proto] = port + 1
            _claim_port(k, s, ip, port)
            return
        port += 1
    raise SysError(Errno.EADDRNOTAVAIL)


def new_socket(k: Kernel, domain: int, type_: int) -> Socket:
    s = Socket(k.new_id("socket"), domain, type_)
    if type_ == SOCK_DGRAM:
        s.state = "unbound"
    k.sockets[s.id] = s
    return s


SOCK_RAW, SOCK_MAX = 3, 11


def socket_type(domain: int, type: int) -> int:
    """The base type, checked in Linux's order: the type's range, the family, then whether the
    family has such a type (AF_UNIX takes SOCK_RAW as SOCK_DGRAM; SOCK_RAW needs a protocol)."""
    base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)
    if not 0 <= base < SOCK_MAX or type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC | 0xF):
        raise SysError(Errno.EINVAL)
    if domain not in (AF_INET, AF_UNIX):
        raise SysError(Errno.EAFNOSUPPORT)
    if domain == AF_UNIX and base == SOCK_RAW:
        return SOCK_DGRAM
    if base not in (SOCK_STREAM, SOCK_DGRAM):
        raise SysError(Errno.EPROTONOSUPPORT if base == SOCK_RAW else Errno.ESOCKTNOSUPPORT)
    return base


@syscall("socket", "domain:const, type:flags", mechanism="socket", summary="make a socket")
def sys_socket(k: Kernel, p: Process, domain: int, type: int) -> int:
    base = socket_type(domain, type)
    if p.fds.full():
        raise SysError(Errno.EMFILE)
    s = new_socket(k, domain, base)
    return k.install(p, OpenFile("socket", s, True, True, bool(type & SOCK_NONBLOCK)))


@syscall(
    "socketpair", "domain:const, type:flags", mechanism="socket", summary="two connected AF_UNIX sockets"
)
def sys_socketpair(k: Kernel, p: Process, domain: int, type: int) -> list[int]:
    base = socket_type(domain, type)  # the socket is made first; then AF_INET has no pairs
    if domain == AF_INET:
        raise SysError(Errno.EOPNOTSUPP)
    if p.fds.full(2):
        raise SysError(Errno.EMFILE)
    a, b = new_socket(k, AF_UNIX, base), new_socket(k, AF_UNIX, base)
    for x, y in ((a, b), (b, a)):
        x.peer, x.local, x.remote = y, "", ""
        x.state = "ESTABLISHED" if base == SOCK_STREAM else "connected"
    nb = bool(type & SOCK_NONBLOCK)
    return [k.install(p, OpenFile("socket", s, True, True, nb)) for s in (a, b)]


@syscall("bind", "fd:fd, addr:str", mechanism="socket", summary="give a socket its address")
def sys_bind(k: Kernel, p: Process, fd: int, addr: str) -> int:
    _, s = sock_of(k, p, fd)
    copy_addr(s.domain, addr)
    if s.domain == AF_UNIX and not addr:
        _bind_abstract(k, s)
    elif s.domain == AF_UNIX:  # Linux makes the path first, then looks whether s is bound
        try:
            canon = k.fs.new_name(addr)
        except SysError as e:  # unix_bind_bsd: mknod's EEXIST is EADDRINUSE
            raise SysError(Errno.EADDRINUSE if e.errno == Errno.EEXIST else e.errno) from None
        if s.named:  # bound already; a socketpair's or a connected client's socket is not
            raise SysError(Errno.EINVAL)
        s.node = SocketNode(canon, p.uid, 0o600, s)
        k.fs[canon] = s.node
        s.local = addr
        if s.peer is not None and s.stream:
            s.peer.remote = addr  # what the peer's recvfrom now names as the sender
    else:
        ip, port = parse_inet(addr)
        if ip != "0.0.0.0" and not is_local(ip):
            raise SysError(Errno.EADDRNOTAVAIL)
        if 0 < port < 1024 and p.uid != 0:
            raise SysError(Errno.EACCES)
        if s.local is not None or s.listen_bound:  # checked after the address, as inet_bind does
            raise SysError(Errno.EINVAL)
        if port == 0:
            ephemeral(k, s, ip)
        elif any(_overlap(ip, u.ip) for u in k.ports[s.proto].get(port, {}).values()):
            raise SysError(Errno.EADDRINUSE)
        else:
            _claim_port(k, s, ip, port)
            s.port_locked = True
    if not s.stream:
        s.state = "bound" if s.remote is None else "connected"
    return 0


def _abstract_owner(k: Kernel, type_: int) -> Socket | None:
    """The live socket of this type bound to the abstract name "" (Linux keys abstract names by
    type too, so a stream and a datagram socket may each hold it)."""
    return next((o for o in k.sockets.values() if o.abstract and o.type == type_ and not o.closed), None)


def _bind_abstract(k: Kernel, s: Socket) -> None:
    """bind(fd, ""): C passes sun_path "\\0" with its length, which Linux reads as the abstract
    name of no bytes (unix_bind_abstract): no file is made, the name goes when the socket
    closes; EINVAL for a bound socket first, then EADDRINUSE if another socket holds it."""
    if s.named:
        raise SysError(Errno.EINVAL)
    if _abstract_owner(k, s.type) is not None:
        raise SysError(Errno.EADDRINUSE)
    s.abstract = True
    s.local = ""


@syscall("listen", "fd:fd, backlog:int", mechanism="socket", summary="accept connections")
def sys_listen(k: Kernel, p: Process, fd: int, backlog: int) -> int:
    _, s = sock_of(k, p, fd)
    if not s.stream:
        raise SysError(Errno.EOPNOTSUPP)
    if s.state not in ("CLOSED", "LISTEN") or s.peer is not None:
        raise SysError(Errno.EINVAL)
    if s.syn_sent:  # even refused and reported (measured on Linux 6.18)
        # past the socket's own state (SS_UNCONNECTED again) the refused listen keeps a port
        s.listen_bound = s.listen_bound or not (s.connecting or s.disconnecting)
        raise SysError(Errno.EINVAL)
    if s.local is None:
        if s.domain == AF_UNIX:
            raise SysError(Errno.EINVAL)
        ephemeral(k, s)
    s.backlog = SOMAXCONN if backlog < 0 or backlog > SOMAXCONN else backlog
    s.state = "LISTEN"
    _admit(k, s)  # a larger backlog may make room for connections that wait
    return 0


def _find_listener(k: Kernel, p: Process, s: Socket, addr: str) -> Socket:
    """The socket `s` connects (or sends) to, or the errno that says why there is none."""
    if s.domain == AF_UNIX and not addr:  # the abstract name: no file, no permission to check
        owner = _abstract_owner(k, s.type)
        if owner is None or (s.stream and (owner.state != "LISTEN" or owner.shut_rd)):
            raise SysError(Errno.ECONNREFUSED)
        return owner
    if s.domain == AF_UNIX:
        _path, node = k.fs.find(addr)
        if node is None:  # a directory (ours are writable by every uid)
            raise SysError(Errno.ECONNREFUSED)
        # unix_find_bsd: write permission on whatever file is there, then whether it is a socket
        check(p, node.owner, node.mode, write=True)
        if not isinstance(node, SocketNode) or node.sock is None or node.sock.closed:
            raise SysError(Errno.ECONNREFUSED)
        if node.sock.type != s.type:
            raise SysError(Errno.EPROTOTYPE)
        if s.stream and (node.sock.state != "LISTEN" or node.sock.shut_rd):
            raise SysError(Errno.ECONNREFUSED)  # unix_stream_connect: the other end must listen
        return node.sock
    ip, port = destination(addr)
    for other in k.ports[s.proto].get(port, {}).values():
        if (other.state == "LISTEN" or not s.stream) and other.ip in ("0.0.0.0", ip):
            return other
    if s.stream and s.state == "CLOSED" and s.port == port and s.ip in ("0.0.0.0", ip):
        return s  # bound, not listening, dialling its own address: TCP's simultaneous open
    raise SysError(Errno.ECONNREFUSED)


def destination(addr: str) -> tuple[str, int]:
    """An AF_INET address to connect or send to: `0.0.0.0` means this host (Linux routes
    INADDR_ANY as a destination to 127.0.0.1); another host is unreachable."""
    ip, port = parse_inet(addr)
    if ip == "0.0.0.0":
        ip = "127.0.0.1"
    if not is_local(ip):
        raise SysError(Errno.ENETUNREACH)
    return ip, port


def _establish(k: Kernel, client: Socket, listener: Socket) -> None:
    """The handshake completes: a server-side socket joins the listener's accept queue."""
    server = new_socket(k, listener.domain, SOCK_STREAM)
    if client.domain == AF_INET:
        if client.port is None:
            ephemeral(k, client, "127.0.0.1")
        assert client.remote is not None
        dialed_ip = client.remote.rsplit(":", 1)[0]
        if client.ip == "0.0.0.0":
            client.local = f"127.0.0.1:{client.port}"
        server.ip, server.port = listener.ip, listener.port
        server.port_locked = False  # inet_csk_clone_lock: not the listener's SOCK_BINDPORT_LOCK
        k.ports["tcp"].setdefault(listener.port, {})[server.id] = server  # type: ignore[index]
        server.local = f"{dialed_ip}:{listener.port}"
    else:
        server.local = listener.local
        if client.local is None:
            client.local = ""
    server.remote = client.local
    client.peer, server.peer = server, client
    client.state = server.state = "ESTABLISHED"
    client.listener = None
    listener.accept_queue.append(server)
    k.wake_one(listener.accept_wait)


def _admit(k: Kernel, listener: Socket) -> None:
    """While the accept queue has room, let waiting connectors in, first come first served."""
    while listener.syn_queue and len(listener.accept_queue) < listener.backlog + 1:
        client = listener.syn_queue.popleft()
        _establish(k, client, listener)
        client.connect_done = True
        k.wake_all(client.connect_wait)


@syscall("connect", "fd:fd, addr:str", mechanism="socket", summary="connect to an address")
def sys_connect(k: Kernel, p: Process, fd: int, addr: str) -> CallGen:
    f = k.open_file(p, fd)  # __sys_connect copies the address before it asks for a socket
    copy_addr(f.obj.domain if f.kind == "socket" else None, addr)
    f, s = sock_of(k, p, fd)
    if not s.stream:
        return _connect_dgram(k, p, s, addr)
    if s.disconnecting:
        raise SysError(Errno.EINVAL)  # SS_DISCONNECTING: no connect gets past inet_stream_connect
    if s.state == "CLOSED" and (s.pending_error is not None or (s.connecting and s.peer is None)):
        # inet_stream_connect on a socket that was closed under a connect: its error, or, when
        # a send or recv has already taken that, ECONNABORTED; then it disconnects
        err = s.pending_error or Errno.ECONNABORTED
        s.pending_error, s.connecting, s.done = None, False, False
        raise SysError(err)
    if s.state == "SYN_SENT":
        raise SysError(Errno.EALREADY)
    if s.connect_done:
        s.connect_done = s.connecting = False
        return 0
    if s.domain == AF_INET and (s.state != "CLOSED" or s.peer is not None):
        raise SysError(Errno.EISCONN)
    if s.unlistened:  # Linux routes the address first (ENETUNREACH), then refuses, blocking or not
        destination(addr)
        raise SysError(Errno.EINVAL)
    if s.domain == AF_INET:
        destination(addr)  # tcp_v4_connect's checks; past them a SYN goes out
        s.syn_sent = True
    try:
        listener = _find_listener(k, p, s, addr)
    except SysError as e:
        if e.errno is Errno.ECONNREFUSED and s.domain == AF_INET:
            s.listen_bound = False  # the reset to the SYN: tcp_done gives back a port not bound
            tcp_closed(k, s)  # by number, also one a refused listen kept
        if e.errno is not Errno.ECONNREFUSED or not f.nonblock or s.domain != AF_INET:
            raise
        s.pending_error = e.errno  # the reset to our SYN comes back after the call
        s.connecting = s.done = True
        raise SysError(Errno.EINPROGRESS) from None
    if s.state != "CLOSED" or s.peer is not None:  # AF_UNIX: the target is found first
        if f.nonblock and len(listener.accept_queue) >= listener.backlog + 1:
            raise SysError(Errno.EAGAIN)
        raise SysError(Errno.EISCONN if s.state != "LISTEN" else Errno.EINVAL)
    s.remote = addr if s.domain == AF_UNIX else "{}:{}".format(*destination(addr))
    if listener is s:
        s.peer, s.state = s, "ESTABLISHED"
        s.local = s.remote if s.ip == "0.0.0.0" else s.local
        return _connected(f, s)
    if len(listener.accept_queue) < listener.backlog + 1 and not listener.syn_queue:
        _establish(k, s, listener)
        return _connected(f, s)
    if f.nonblock and s.domain == AF_UNIX:
        s.remote = None
        raise SysError(Errno.EAGAIN)
    if s.domain == AF_INET and s.port is None:
        ephemeral(k, s)
    s.state = "SYN_SENT"
    s.listener = listener
    listener.syn_queue.append(s)
    if f.nonblock:
        s.connecting = True
        raise SysError(Errno.EINPROGRESS)
    try:
        while s.state == "SYN_SENT":
            yield s.connect_wait
    except BaseException:
        _abandon(s)
        raise
    if s.state == "ESTABLISHED":
        s.connect_done = False
        return 0
    err, s.pending_error = s.pending_error or Errno.ECONNREFUSED, None
    raise SysError(err)


def _connected(f: OpenFile, s: Socket) -> int:
    """A connect that has connected at once: TCP still answers EINPROGRESS when non-blocking
    (the handshake is never done inside the call), and the next connect reports it."""
    if f.nonblock and s.domain == AF_INET:
        s.connect_done = s.connecting = True
        raise SysError(Errno.EINPROGRESS)
    return 0


def _abandon(s: Socket) -> None:
    """A connect that gave up (a signal, or its process died) leaves the listener's queue."""
    if s.state == "SYN_SENT" and s.listener is not None:
        if s in s.listener.syn_queue:
            s.listener.syn_queue.remove(s)
        s.listener = None
        s.state = "CLOSED"
        s.remote = None


def _connect_dgram(k: Kernel, p: Process, s: Socket, addr: str) -> int:
    if s.domain == AF_UNIX:
        target = _find_listener(k, p, s, addr)
        if target.peer not in (None, s):
            raise SysError(Errno.EPERM)  # connected to another: unix_dgram_connect's unix_may_send
        s.peer = target
        s.remote = addr
    else:
        ip, port = destination(addr)
        if s.port is None:
            ephemeral(k, s, "0.0.0.0")
        s.remote = f"{ip}:{port}"
    s.state = "connected"
    return 0


@syscall("accept", "fd:fd", mechanism="socket", summary="take a connection from the queue")
def sys_accept(k: Kernel, p: Process, fd: int) -> CallGen:
    f, s = sock_of(k, p, fd)
    if not s.stream:
        raise SysError(Errno.EOPNOTSUPP)
    if s.state != "LISTEN":
        raise SysError(Errno.EINVAL)
    if p.fds.full():
        raise SysError(Errno.EMFILE)
    while not s.accept_queue:
        if f.nonblock:
            raise SysError(Errno.EAGAIN)
        if s.shut_rd:  # an AF_UNIX listener shut for reading: unix_accept's wait ends in EINVAL
            raise SysError(Errno.EINVAL)
        yield s.accept_wait
        if s.state != "LISTEN":
            raise SysError(Errno.EINVAL)
    conn = s.accept_queue.popleft()
    _admit(k, s)
    return k.install(p, OpenFile("socket", conn, True, True, False))


@syscall("shutdown", "fd:fd, how:const", mechanism="socket", summary="SHUT_RD, SHUT_WR or SHUT_RDWR")
def sys_shutdown(k: Kernel, p: Process, fd: int, how: int) -> int:
    _, s = sock_of(k, p, fd)
    if how not in (SHUT_RD, SHUT_WR, SHUT_RDWR):
        raise SysError(Errno.EINVAL)
    if s.connecting and s.domain == AF_INET:  # inet_shutdown of a socket still SS_CONNECTING
        s.disconnecting = s.state == "CLOSED"  # SYN_SENT is disconnected below: SS_UNCONNECTED
        s.connecting = s.connect_done = False
    if s.state == "LISTEN" and s.domain == AF_INET:
        if how in (SHUT_RD, SHUT_RDWR):  # inet_shutdown disconnects a listener only for reading
            _close_listener(k, s)
            tcp_closed(k, s)
            s.unlistened = True
        return 0
    if s.state == "SYN_SENT" and s.domain == AF_INET:
        _abandon(s)  # a connect under way is disconnected (tcp_disconnect)
        tcp_closed(k, s)
        s.connecting = False
        return 0
    if not (s.connected or s.state == "connected") and s.domain == AF_INET:
        # unconnected: ENOTCONN, yet inet_shutdown marks the socket shut all the same
        s.shut_rd = s.shut_rd or how in (SHUT_RD, SHUT_RDWR)
        s.shut_wr = s.shut_wr or how in (SHUT_WR, SHUT_RDWR)
        if s.shut_rd:
            k.wake_all(s.data_wait)  # sk_state_change: a waiting datagram recv returns ""
        raise SysError(Errno.ENOTCONN)  # AF_UNIX sockets take a shutdown in any state
    if how in (SHUT_RD, SHUT_RDWR):
        s.shut_rd = True
        k.wake_all(s.data_wait)
        k.wake_all(s.accept_wait)  # a listener's accept stops waiting (its queue is still taken)
    if how in (SHUT_WR, SHUT_RDWR) and not s.shut_wr:
        s.shut_wr = True
        if s.stream and s.peer is not None:
            _send_fin(k, s)
    return 0


def _send_fin(k: Kernel, s: Socket) -> None:
    """We will send no more: the peer reads end of file once it has read what is buffered."""
    peer = s.peer
    assert peer is not None
    peer.peer_fin = True
    if peer.state == "ESTABLISHED":
        peer.state = "CLOSE_WAIT"
    elif peer.state == "FIN_WAIT_2":
        tcp_closed(k, peer, time_wait=True)  # TIME_WAIT, not modelled (SPEC section 2)
    if s.state == "ESTABLISHED":
        s.state = "FIN_WAIT_2"
    elif s.state == "CLOSE_WAIT":
        tcp_closed(k, s)  # LAST_ACK, then CLOSED: there is no clock to linger in it
    k.wake_all(peer.data_wait)


def _close_listener(k: Kernel, s: Socket) -> None:
    for conn in s.accept_queue:  # unaccepted connections are reset
        client = conn.peer
        conn.closed = True
        k.sockets.pop(conn.id, None)
        _free_port(k, conn)
        if client is not None:
            client.pending_error = Errno.ECONNRESET
            client.reset = client.peer_gone = client.peer_fin = True
            tcp_closed(k, client)
            k.wake_all(client.data_wait)
            k.wake_all(client.room_wait)
    s.accept_queue.clear()
    while s.syn_queue:  # connections still waiting are refused
        client = s.syn_queue.popleft()
        client.state = "CLOSED"
        client.listener = None
        client.remote = None
        client.pending_error = Errno.ECONNREFUSED
        client.done = client.connecting  # a blocking connect reports it and disconnects at once
        k.wake_all(client.connect_wait)
    k.wake_all(s.accept_wait)


def release(k: Kernel, f: OpenFile) -> None:
    """The socket's last descriptor closed."""
    s: Socket = f.obj
    s.closed = True
    k.sockets.pop(s.id, None)
    if s.state == "LISTEN":
        _close_listener(k, s)
    elif s.state == "SYN_SENT":
        _abandon(s)
    peer = s.peer
    if s.stream and peer is not None and not peer.closed:
        if s.domain == AF_INET and s.rbuf:
            if peer.state != "CLOSED":  # unread bytes: the close resets the connection (a peer
                if peer.state != "CLOSE_WAIT":  # that has left it ignores the reset); tcp_reset
                    peer.pending_error = Errno.ECONNRESET  # in CLOSE_WAIT is EPIPE, which the
                peer.reset = True  # next send gives anyway, and recv still ends at the FIN
                tcp_closed(k, peer)
        elif s.rbuf:  # AF_UNIX (unix_release_sock): unread bytes leave the peer sk_err ECONNRESET,
            peer.pending_error = Errno.ECONNRESET  # which its recv reports once, after its own bytes
        elif not s.shut_wr:
            _send_fin(k, s)
        peer.peer_gone = peer.peer_fin = True
        if peer.state == "FIN_WAIT_2":
            tcp_closed(k, peer, time_wait=True)
        k.wake_all(peer.data_wait)
        k.wake_all(s.room_wait)  # whoever was sending to us
    if s.stream and s.domain == AF_INET and s.state == "FIN_WAIT_2" and not s.rbuf and s.port is not None:
        k.time_wait.append(s.port)  # an orphan that sent its FIN first: Linux keeps its port
    s.state = "CLOSED" if s.stream else s.state
    _free_port(k, s)
    if s.node is not None:
        s.node.sock = None


def describe(s: Socket) -> dict[str, Any]:
    """A plain summary for views and tests."""
    return {
        "kind": s.kind,
        "state": s.state,
        "local": s.local,
        "remote": s.remote,
        "buffered": s.buffered,
        "queue": len(s.accept_queue),
    }
