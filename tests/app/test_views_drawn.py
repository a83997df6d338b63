"""The panes draw what their snapshots say, woken sleepers included, without an app: each
panel is drawn from a snapshot alone (the pane never reads the kernel)."""

from __future__ import annotations

import textwrap

from rich.console import Console, RenderableType
from rich.theme import Theme

from ipctui.app.ink import ROLES
from ipctui.app.panes.memory import segment_panel
from ipctui.app.panes.pipes import pipe_panel
from ipctui.app.panes.queues import posix_panel
from ipctui.app.panes.semaphores import SemaphoresPane
from ipctui.engine.views import memory_view, pipes_view, queues_view, semaphores_view
from ipctui.session import Session


def text(renderable: RenderableType, width: int = 100) -> str:
    console = Console(width=width, color_system=None)
    console.push_theme(Theme({name: "" for name in ROLES}))  # the panes' style names, plain
    with console.capture() as out:
        console.print(renderable)
    return out.get()


def held(script: str) -> Session:
    """The session stepped to the first line that wakes someone (its wake-ups not yet run)."""
    s = Session()
    s.load(textwrap.dedent(script), "t.ipc")
    while not s.settling:
        assert s.step().ok
    return s


def test_a_woken_sender_on_a_full_queue_is_named_woken() -> None:
    s = held("""
        spawn A
        A: mq_open("/q", O_CREAT|O_RDWR, maxmsg=1, msgsize=8)
        A: fork("B")
        A: mq_send(3, "one", 0)
        A: mq_send(3, "two", 0)
        B: mq_receive(3)
    """)
    drawn = text(posix_panel(queues_view(s.kernel).posix[0]))
    assert "waiting to send: A (woken)" in drawn
    s.step()
    assert "waiting to send" not in text(posix_panel(queues_view(s.kernel).posix[0]))


def test_a_woken_lock_waiter_and_semaphore_waiter_say_so() -> None:
    s = held("""
        spawn A
        A: shm_open("/m", O_CREAT|O_RDWR)
        A: ftruncate(3, 16)
        A: mmap(3)
        A: fork("B")
        A: lock("/m")
        B: lock("/m")
        A: unlock("/m")
    """)
    drawn = text(segment_panel(memory_view(s.kernel).segments[0], 100))
    assert "woken, runnable: B" in drawn and "waiting: B" not in drawn
    s = held("""
        spawn A
        A: sem_open("/s", O_CREAT, value=0)
        A: fork("B")
        B: sem_wait(1)
        A: sem_post(1)
    """)
    rows = [build() for _, _, build in SemaphoresPane().items(semaphores_view(s.kernel), 100)]
    assert "B (woken)" in text(rows[1])


def test_a_pipe_panel_is_drawn_from_its_snapshot_alone() -> None:
    s = held("""
        spawn parent
        parent: pipe(capacity=8, page_size=4)
        parent: fork("child")
        child: read(3, 10)
        parent: write(4, "hello")
    """)
    drawn = text(pipe_panel(pipes_view(s.kernel).pipes[0], 100))
    assert "woken: child (runnable, its read not yet resumed)" in drawn
    assert "blocked reading" not in drawn and "│hell│o   │" in drawn


def test_a_receiver_handed_its_message_is_drawn_holding_it() -> None:
    """Right after the send: the queue is empty (Linux gave the message away) and the receiver,
    runnable, holds it until its mq_receive resumes."""
    s = held("""
        spawn A
        A: mq_open("/q", O_CREAT|O_RDWR, maxmsg=2, msgsize=8)
        A: fork("B")
        B: mq_receive(3)
        A: mq_send(3, "job", 7)
    """)
    drawn = text(posix_panel(queues_view(s.kernel).posix[0]))
    assert "empty" in drawn and "waiting to receive: B (woken)" in drawn
    assert 'woken: B holds "job" (prio 7) (runnable, its mq_receive not yet resumed)' in drawn
    s.step()
    assert "holds" not in text(posix_panel(queues_view(s.kernel).posix[0]))
