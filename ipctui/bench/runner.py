"""Measuring one mechanism at one size between a parent and its forked child.

Latency: ping-pong, each round trip timed on its own after a warm-up. Throughput: a one-way
stream of messages, timed from the first send until the receiver acknowledges the last byte.
Every message carries its sequence number and is checked byte for byte on the receiving side;
the child reports its pid and CPU, so the result shows that two processes really ran, and where.
"""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass
from typing import Any

from .ends import SMALL, End, Unavailable
from .environment import current_cpu
from .links import LINKS, UdpLink, remove, workdir
from .stats import summarise

PLACEMENTS = ("same", "split", "auto")
WATCHDOG_S = {True: 5, False: 60}  # quick, full: a measurement that takes longer is stuck


class Stuck(Exception):
    """The watchdog fired: the peers stopped making progress."""


def _alarm(signum: int, frame: object) -> None:
    raise Stuck("no progress: the measurement was stopped by its watchdog")


@dataclass(frozen=True)
class Plan:
    rounds: int  # timed round trips
    warmup: int
    stream: int  # messages in the throughput run


def plan_for(size: int, quick: bool) -> Plan:
    """Enough work to be stable, bounded in time: fewer round trips and bytes for big messages."""
    budget = 8 << 20 if quick else 256 << 20  # bytes streamed (about as many 64 KiB messages as C streams)
    rounds = 400 if quick else 5000
    if size >= 65536:
        rounds = 150 if quick else 1000
    if size >= 1 << 20:
        rounds = 30 if quick else 200
    return Plan(rounds, max(50, rounds // 20), max(50, min(200_000, budget // size)))


def ack_points(plan: Plan, window: int) -> set[int]:
    """The messages of the stream after which the receiver acknowledges (every `window`th, and
    the last)."""
    return set(range(window - 1, plan.stream, window)) | {plan.stream - 1}


RING = 4  # distinct messages a big stream cycles through (see Messages)


class Messages:
    """Messages of one size: a sequence number up front (so a lost or reordered one shows) and a
    fixed pattern after it, made once, so building and checking cost one copy and one compare.

    A big stream sends RING messages made in advance, in turn (numbered 0..RING-1), instead of
    writing each message's number into a buffer before sending it: on this kind of machine that
    one 8-byte store cost 10% of the throughput (the C yardstick sends one unchanged buffer).
    Every byte of every message is still compared with what was sent; a lost message shows as
    the wrong number, and a lost run of RING as a stream that never ends (the watchdog)."""

    def __init__(self, size: int) -> None:
        self.size = size
        pattern = bytes(range(256))
        self.body = (pattern * (size // 256 + 1))[8:size]
        self.expected = bytearray(self.make(0))  # reused: its first 8 bytes change per message
        self.ring = [self.make(seq) for seq in range(RING)] if size > SMALL else []

    def make(self, seq: int) -> bytes:
        return (seq.to_bytes(8, "little") + self.body)[: self.size]

    def check(self, seq: int, data: bytes) -> bool:
        if self.size < 8:
            return data == self.make(seq)
        # the expected message is rewritten in place and compared whole: one memcmp, no copy
        self.expected[:8] = seq.to_bytes(8, "little")
        return data == self.expected


def cpus_for(placement: str) -> tuple[set[int] | None, set[int] | None, list[str]]:
    usable = sorted(os.sched_getaffinity(0))
    if placement == "same":
        return {usable[0]}, {usable[0]}, []
    if placement == "split":
        if len(usable) < 2:
            return {usable[0]}, {usable[0]}, ["only one CPU is usable: both processes share it"]
        return {usable[0]}, {usable[1]}, []
    return None, None, []


def _child(end: End, size: int, plan: Plan, window: int, report_fd: int, cpus: set[int] | None) -> None:
    errors = 0
    cpu_seen: set[int] = set()
    messages = Messages(size)
    try:
        recv, send = end.recv, end.send
        total = plan.warmup + plan.rounds
        if size <= SMALL:  # echo at once and check afterwards: the checks stay out of the timings
            got: list[bytes] = [b""] * total
            for seq in range(total):
                data = recv(size)
                send(data)
                got[seq] = data
            errors += sum(1 for seq, data in enumerate(got) if not messages.check(seq, data))
        else:  # a big message costs far more to move than to check, and is not kept
            for seq in range(total):
                data = recv(size)
                send(data)
                if not messages.check(seq, data):
                    errors += 1
        cpu = current_cpu()
        cpu_seen.add(-1 if cpu is None else cpu)
        ack, acks = b"k" * size, ack_points(plan, window)
        if messages.ring:  # a big stream: the messages made in advance, in turn
            ring = messages.ring
            for seq in range(plan.stream):
                if recv(size) != ring[seq % RING]:
                    errors += 1
                if seq in acks:
                    send(ack)  # the acknowledgement
        else:
            check = messages.check
            for seq in range(plan.stream):
                if not check(seq, recv(size)):
                    errors += 1
                if seq in acks:
                    send(ack)
        cpu = current_cpu()
        cpu_seen.add(-1 if cpu is None else cpu)
        end.flush()  # the acknowledgement must really leave before this process does
    except Exception as e:  # report, never hang the parent on a silent death
        report = {"pid": os.getpid(), "error": f"{type(e).__name__}: {e}", "errors": errors}
    else:
        report = {"pid": os.getpid(), "errors": errors, "cpus": sorted(cpu_seen)}
    os.write(report_fd, json.dumps(report).encode())


def measure(mechanism: str, size: int, placement: str = "auto", quick: bool = False) -> dict[str, Any]:
    """One result: latency percentiles, throughput, where it ran, and notes; never raises."""
    result: dict[str, Any] = {
        "mechanism": mechanism,
        "size": size,
        "placement": {"requested": placement},
        "rtt_us": None,
        "throughput": None,
        "count": None,
        "notes": [],
    }
    plan = plan_for(size, quick)
    folder = workdir()
    pid = 0
    link = None
    try:
        try:
            link = LINKS[mechanism](size, folder)
        except Unavailable as e:
            result["notes"].append(f"unavailable: {e}")
            return result
        result["notes"] += link.notes
        window = link.window if isinstance(link, UdpLink) else plan.stream
        parent_cpus, child_cpus, notes = cpus_for(placement)
        result["notes"] += notes
        size = link.size  # a link may carry less than asked (it says so in its notes)
        result["size"] = size
        original_cpus = os.sched_getaffinity(0)
        parent_seen: set[int] = set()
        report_r, report_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: measure, report, and leave without running the parent's clean-up
            code = 0
            try:
                os.close(report_r)
                if child_cpus:
                    os.sched_setaffinity(0, child_cpus)
                _child(link.child_end(), size, plan, window, report_w, child_cpus)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(report_w)
        if parent_cpus:
            os.sched_setaffinity(0, parent_cpus)
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(WATCHDOG_S[quick])  # never hang: a stuck peer ends the measurement, not the run
        end = link.parent_end()
        messages = Messages(size)
        try:
            rtts: list[float] = []
            send, recv, clock = end.send, end.recv, time.perf_counter_ns
            for seq in range(plan.warmup + plan.rounds):
                msg = messages.make(seq)
                t0 = clock()
                send(msg)
                echo = recv(size)
                t1 = clock()
                if echo != msg:
                    raise ValueError(f"round trip {seq} came back changed")
                if seq >= plan.warmup:
                    rtts.append((t1 - t0) / 1000)
            cpu = current_cpu()
            parent_seen.add(-1 if cpu is None else cpu)
            acks = ack_points(plan, window)
            if messages.ring:  # a big stream: the messages made in advance, sent in turn
                ring = messages.ring
                t0 = clock()
                for seq in range(plan.stream):
                    send(ring[seq % RING])
                    if seq in acks:
                        recv(size)
            else:
                make = messages.make
                t0 = clock()
                for seq in range(plan.stream):
                    send(make(seq))
                    if seq in acks:
                        recv(size)
            elapsed = (clock() - t0) / 1e9
            cpu = current_cpu()
            parent_seen.add(-1 if cpu is None else cpu)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
            if parent_cpus:
                os.sched_setaffinity(0, original_cpus)
        report = json.loads(os.read(report_r, 65536) or b"{}")
        os.close(report_r)
        os.waitpid(pid, 0)
        pid = 0
        if "error" in report:
            result["notes"].append(f"the child failed: {report['error']}")
            return result
        if report.get("pid") == os.getpid():
            result["notes"].append("the peers were not two processes")
        if report.get("errors"):
            result["notes"].append(f"{report['errors']} messages arrived changed")
        result["placement"].update(
            {"parent_cpus": sorted(parent_seen), "child_cpus": report.get("cpus"), "child_pid": report["pid"]}
        )
        result["rtt_us"] = summarise(rtts)
        result["throughput"] = {
            "MB_per_s": round(plan.stream * size / elapsed / 1e6, 2),
            "msg_per_s": round(plan.stream / elapsed, 1),
        }
        result["count"] = {"round_trips": plan.rounds, "warmup": plan.warmup, "streamed": plan.stream}
        return result
    except Exception as e:  # Stuck included
        result["notes"].append(f"failed: {e}" if isinstance(e, Stuck) else f"failed: {type(e).__name__}: {e}")
        return result
    finally:
        if pid:  # the parent failed half-way: the child must not outlive it
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
        if link is not None:
            link.cleanup()
        remove(folder)
