"""The System V views: a semaphore set as its values, each sleeper with the operation it waits
to make, each process's undo sums; a segment with its attach count and its removal mark."""

from __future__ import annotations

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.call_form import field_text
from ipctui.app.dialogs.help import calls_by_mechanism
from ipctui.app.panes.base import ObjectsView


async def type_line(pilot, line: str) -> None:
    """Run a line as the console does (the typing itself is tested in test_app)."""
    assert pilot.app.submit(line).ok, line
    await pilot.pause()


async def test_a_semaphore_set_shows_values_waiters_and_undo_sums():
    app = PlaygroundApp()
    async with app.run_test(size=(140, 40)) as pilot:
        for line in [
            "spawn A",
            "spawn B",
            "A: semget(42, 2, IPC_CREAT, mode=0600)",
            "A: semop(0, [[0, 1, SEM_UNDO], [1, 3, SEM_UNDO]])",
            "B: semop(0, [[1, -1], [0, -2]])",
        ]:
            await type_line(pilot, line)
        view = app.query_one(ObjectsView)
        assert app.front_pane == "semaphores"
        text = view.text
        assert "System V semid 0" in text and "key 42" in text
        assert "#0 1" in text and "#1 3" in text
        assert "B waits for #0 -2" in text and "all together: #1 -1, #0 -2" in text
        assert "undo sums of A: #0 +1, #1 +3" in text
        await type_line(pilot, "A: exit(0)")
        text = view.text
        assert "undo sums of A" not in text and "#0 0 #1 0" in text
        assert "B waits for #1 -1" in text  # the undo took #1 back below what B needs
        await type_line(pilot, "spawn C")
        await type_line(pilot, "C: semctl(0, 0, SETALL, [2, 1])")
        assert "nobody waits" in view.text and "#0 0 #1 0" in view.text


async def test_a_segment_shows_attachments_and_its_removal_mark():
    app = PlaygroundApp()
    async with app.run_test(size=(140, 40)) as pilot:
        for line in [
            "spawn A",
            "A: shmget(7, 100, IPC_CREAT, mode=0600)",
            "A: shmat(0)",
            "A: shmat(0)",
            'A: poke(0, 8, "sysv")',
        ]:
            await type_line(pilot, line)
        view = app.query_one(ObjectsView)
        assert app.front_pane == "memory"
        text = view.text
        assert "System V shmid 0" in text and "attached 2 times: A ×2" in text
        assert "A wrote 4 B at 8" in text and "sysv" in text
        await type_line(pilot, "A: shmctl(0, IPC_RMID)")
        assert "marked for removal" in view.text
        await type_line(pilot, "A: shmdt(0)")
        assert "attached 1 time: A" in view.text
        await type_line(pilot, "A: shmdt(0)")
        assert "System V shmid 0" not in view.text


def test_forms_and_help_know_the_new_calls():
    assert field_text("seg", "0") == "0"
    assert field_text("seg", "/buf") == '"/buf"'
    text = calls_by_mechanism()
    for title in ("System V keys", "System V semaphore sets", "System V shared memory"):
        assert f"## {title}" in text
    for call in ("ftok(", "semop(", "semctl(", "shmat(", "shmdt(", "dup2("):
        assert f"`{call}" in text


async def test_the_call_form_prefills_the_newest_set_or_segment():
    app = PlaygroundApp()
    async with app.run_test(size=(140, 40)) as pilot:
        for line in [
            "spawn A",
            "A: semget(IPC_PRIVATE, 1, IPC_CREAT, mode=0600)",
            "A: semget(IPC_PRIVATE, 1, IPC_CREAT, mode=0600)",
            "A: shmget(IPC_PRIVATE, 8, IPC_CREAT, mode=0600)",
        ]:
            await type_line(pilot, line)
        assert app._prefill("semop", "A") == {"semid": "1"}
        assert app._prefill("shmat", "A") == {"shmid": "0"}
        assert app._prefill("dup2", "A") == {}
