"""The queues' pipelined hand-over (ipc/mqueue.c pipelined_send and pipelined_receive, ipc/msg.c
pipelined_send): what the kernel holds right after the line that moves a message, before the
woken call resumes (the playground's sub-step), and that the traces stay Linux's."""

from __future__ import annotations

import textwrap

import pytest
from helpers import check
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipctui.engine import Kernel
from ipctui.engine.views import processes_view, queues_view
from ipctui.engine.waitfor import wait_for
from ipctui.fuzz.strategies import scripts
from ipctui.script import Runner, parse
from ipctui.session import Session


def held(script: str) -> Session:
    """The session stepped to the first line that wakes someone (its wake-ups not yet run)."""
    s = Session()
    s.load(textwrap.dedent(script), "t.ipc")
    while not s.settling:
        assert s.step().ok
    return s


RECEIVER_WAITS = """
    spawn A
    A: mq_open("/q", O_CREAT|O_RDWR, maxmsg=2)
    A: fork("R")
    R: mq_receive(3)
    A: mq_send(3, "job", 7)
"""


def test_a_send_to_a_waiting_receiver_hands_the_message_over_at_once() -> None:
    s = held(RECEIVER_WAITS)
    q = queues_view(s.kernel).posix[0]
    assert q.curmsgs == 0 and q.messages == ()  # Linux never queued it
    assert q.handed == (("R", b"job", 7),)
    assert q.receivers.blocked == () and q.receivers.woken == ("R",)
    assert s.kernel.mq_all[0].receivers.procs() == []  # off the kernel's queue already
    assert wait_for(s.kernel) == [] and processes_view(s.kernel).stuck == ""
    assert s.step().ok and s.trace[-1].text == 'R: <... mq_receive resumed> = ["job", 7]'
    q = queues_view(s.kernel).posix[0]
    assert q.handed == () and not q.receivers and q.curmsgs == 0


def test_only_the_longest_waiting_receiver_is_served_and_woken() -> None:
    s = held("""
        spawn A
        A: mq_open("/q", O_CREAT|O_RDWR)
        A: fork("R1")
        A: fork("R2")
        R1: mq_receive(3)
        R2: mq_receive(3)
        A: mq_send(3, "one", 0)
    """)
    q = queues_view(s.kernel).posix[0]
    assert q.handed == (("R1", b"one", 0),)
    assert q.receivers.blocked == ("R2",) and q.receivers.woken == ("R1",)
    assert [w.proc for w in wait_for(s.kernel)] == ["R2"]


def test_a_receive_from_a_full_queue_moves_the_waiting_senders_message_in_at_once() -> None:
    s = held("""
        spawn A
        A: mq_open("/q", O_CREAT|O_RDWR, maxmsg=2)
        A: mq_send(3, "lo", 1)
        A: mq_send(3, "hi", 5)
        A: fork("S1")
        A: fork("S2")
        S1: mq_send(3, "mid", 3)
        S2: mq_send(3, "top", 9)
        A: mq_receive(3)
    """)
    q = queues_view(s.kernel).posix[0]
    assert q.curmsgs == 2 and q.messages == ((b"mid", 3), (b"lo", 1))  # still full: S1's is in
    assert q.senders.blocked == ("S2",) and q.senders.woken == ("S1",)
    assert q.handed == ()
    assert s.step().ok and s.trace[-1].text == "S1: <... mq_send resumed> = 0"
    assert queues_view(s.kernel).posix[0].senders.woken == ()


def test_a_stopped_receiver_is_passed_over_and_queues_again_at_the_back() -> None:
    """A stopped receiver has left Linux's queue (its call restarts at SIGCONT, at the back)."""
    check("""
        spawn A
        A: mq_open("/q", O_CREAT|O_RDWR, maxmsg=2) = 3
        A: fork("R1") = 2
        A: fork("R2") = 3
        R1: mq_receive(3) <unfinished ...>
        R2: mq_receive(3) <unfinished ...>
        A: kill(R1, SIGSTOP) = 0
        R1: --- stopped by SIGSTOP ---
        A: mq_send(3, "one", 0) = 0
        R2: <... mq_receive resumed> = ["one", 0]
        A: mq_send(3, "two", 0) = 0
        A: mq_getattr(3) = {maxmsg=2, msgsize=8192, curmsgs=1}
        A: kill(R1, SIGCONT) = 0
        R1: --- SIGCONT ---
        R1: <... mq_receive resumed> = ["two", 0]
    """)


def test_a_receiver_that_dies_holding_its_message_takes_it_with_it() -> None:
    s = held(RECEIVER_WAITS)
    mq = s.kernel.mq_all[0]
    assert mq.waiting  # the handed message lives in the receiver's wait entry
    r = s.kernel.process("R")
    assert r is not None and r.waiter is not None
    r.waiter.gen.close()  # what a death does to a blocked call
    assert mq.waiting == {} and mq.curmsgs == 0


def test_system_v_a_send_goes_to_the_first_receiver_that_wants_its_type() -> None:
    s = held("""
        spawn A
        A: msgget(1, IPC_CREAT, mode=0600)
        A: fork("R1")
        A: fork("R2")
        A: fork("R3")
        R1: msgrcv(0, 2)
        R2: msgrcv(0, -3)
        R3: msgrcv(0, 0)
        A: msgsnd(0, 1, "one")
    """)
    q = queues_view(s.kernel).sysv[0]
    assert q.count == 0 and q.cbytes == 0 and q.messages == ()
    assert q.handed == (("R2", 1, b"one"),)
    # the others are not woken at all: the message was not theirs
    assert q.receivers.blocked == ("R1", "R3") and q.receivers.woken == ("R2",)
    assert s.kernel.woken == {s.kernel.process("R2").pid}  # type: ignore[union-attr]
    assert s.step().ok and s.trace[-1].text == 'R2: <... msgrcv resumed> = ["one", 1]'


def test_system_v_a_message_nobody_waiting_wants_is_queued_and_wakes_nobody() -> None:
    s = Session()
    s.load(
        textwrap.dedent("""
            spawn A
            A: msgget(1, IPC_CREAT, mode=0600)
            A: fork("R")
            R: msgrcv(0, 2)
            A: msgsnd(0, 5, "five")
        """),
        "t.ipc",
    )
    while not s.at_end:
        assert s.step().ok
    assert not s.settling and s.kernel.woken == set()
    q = queues_view(s.kernel).sysv[0]
    assert q.messages == ((5, b"five"),) and q.receivers.blocked == ("R",)


def test_system_v_a_served_receiver_keeps_its_message_and_a_removal_ends_the_rest() -> None:
    """msgctl(IPC_RMID) ends the receivers still waiting with EIDRM (Linux's expunge_all walks
    only the queue's receivers: one already handed its message has left it)."""
    check("""
        spawn A
        A: msgget(1, IPC_CREAT, mode=0600) = 0
        A: fork("R1") = 2
        A: fork("R2") = 3
        R1: msgrcv(0, 1) <unfinished ...>
        R2: msgrcv(0, 2) <unfinished ...>
        A: msgsnd(0, 1, "one") = 0
        R1: <... msgrcv resumed> = ["one", 1]
        A: msgctl(0, IPC_RMID) = 0
        R2: <... msgrcv resumed> = -1 EIDRM (Identifier removed)
    """)


def _no_message_waits_beside_a_waiting_caller(k: Kernel) -> None:
    """Linux's invariant: a message never sits in a queue while a receiver that wants it waits,
    and a sender never waits while there is room (a stopped caller has left the queue)."""
    for q in k.mq_all:
        if q.curmsgs:
            assert all(p.stopped for p in q.receivers.procs()), (q.name, q.messages())
        if q.curmsgs < q.maxmsg:
            assert all(p.stopped for p in q.senders.procs()), (q.name, q.curmsgs)
    for m in k.msqs.values():
        for w in m.receivers:
            if not w.proc.stopped:
                assert m.find(m.waiting[w.proc.pid].msgtyp) is None, (m.id, list(m.messages))


@pytest.mark.parametrize("family", ["mqueue", "sysv_msg"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_after_every_line_and_sub_step_no_message_waits_for_a_waiting_receiver(family: str, data) -> None:
    """Scripts drawn as the fuzzer draws them (blocking, signals, stops, deaths), run a sub-step
    at a time as the playground steps: the invariant holds in every state in between too."""
    runner = Runner()
    for st_ in parse(data.draw(scripts(family, max_lines=16))).statements:
        runner.step(st_, hold=True)
        _no_message_waits_beside_a_waiting_caller(runner.kernel)  # type: ignore[arg-type]
        while runner.kernel.settling:  # type: ignore[attr-defined]
            runner.settle()
            _no_message_waits_beside_a_waiting_caller(runner.kernel)  # type: ignore[arg-type]
