"""`ipctui bench`: statistics, integrity checks, placement, unavailable sizes, clean-up, JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ipctui.bench.report import parse_size
from ipctui.bench.runner import Messages, measure, plan_for
from ipctui.bench.stats import percentile, summarise


def test_percentiles_interpolate_between_ranks():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([7.0], 99.9) == 7.0
    s = summarise([5.0, 1.0, 3.0])
    assert s == {"p50": 3.0, "p90": 4.6, "p99": 4.96, "p99_9": 4.996, "max": 5.0, "mean": 3.0}
    with pytest.raises(ValueError):
        percentile([], 50)


def test_messages_carry_their_sequence_number_and_are_checked_whole():
    m = Messages(100)
    a, b = m.make(1), m.make(2)
    assert len(a) == 100 and a != b
    assert m.check(1, a) and not m.check(2, a)
    assert not m.check(1, a[:-1] + b"\xff")
    assert Messages(4).check(3, Messages(4).make(3))


def test_sizes_and_plans():
    assert [parse_size(s) for s in ("64", "1k", "64KiB", "1m", "300")] == [64, 1024, 65536, 1 << 20, 300]
    with pytest.raises(ValueError):
        parse_size("huge")
    assert plan_for(1 << 20, quick=True).stream >= 8 and plan_for(64, quick=False).rounds == 5000


@pytest.mark.parametrize(
    "mechanism", ["pipe", "socketpair", "fifo", "unix-stream", "udp", "shm-sem", "shm-spin", "mp-queue"]
)
def test_a_measurement_really_uses_two_processes_and_checks_every_message(mechanism, tmp_path, monkeypatch):
    monkeypatch.setenv("IPCTUI_BENCH_TMPDIR", str(tmp_path))
    r = measure(mechanism, 64, "same", quick=True)
    assert r["rtt_us"] is not None, r["notes"]
    assert set(r["rtt_us"]) == {"p50", "p90", "p99", "p99_9", "max", "mean"}
    assert r["rtt_us"]["p50"] <= r["rtt_us"]["p99"] <= r["rtt_us"]["max"]
    assert r["throughput"]["MB_per_s"] > 0 and r["throughput"]["msg_per_s"] > 0
    assert r["placement"]["child_pid"] != os.getpid()
    usable = sorted(os.sched_getaffinity(0))
    assert r["placement"]["parent_cpus"] == [usable[0]] == r["placement"]["child_cpus"]  # pinned together
    assert not any("changed" in n or "failed" in n for n in r["notes"])
    assert list(tmp_path.iterdir()) == []  # FIFOs and socket files are gone


def test_unavailable_and_clamped_sizes_are_said_not_measured():
    r = measure("udp", 1 << 20, quick=True)
    assert r["rtt_us"] is None and r["notes"][0].startswith("unavailable: a UDP datagram")
    clamped = measure("udp", 65536, quick=True)
    assert clamped["size"] == 65507 and any("clamped from 65536" in n for n in clamped["notes"])
    big = measure("unix-dgram", 1 << 20, quick=True)
    assert big["rtt_us"] is None and "unavailable" in big["notes"][0]


def test_cli_json_document(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "IPCTUI_BENCH_TMPDIR": str(tmp_path)}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipctui",
            "bench",
            "--quick",
            "--mechanisms",
            "pipe,socketpair",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) >= {"environment", "results", "parameters"}
    assert doc["environment"]["limits"]["pipe_size_default"] > 0
    assert [(r["mechanism"], r["size"]) for r in doc["results"]] == [
        ("pipe", 64),
        ("pipe", 65536),
        ("socketpair", 64),
        ("socketpair", 65536),
    ]
    for r in doc["results"]:
        assert set(r) >= {"mechanism", "size", "placement", "rtt_us", "throughput", "count", "notes"}
    assert (
        json.loads((Path(tmp_path) / "ipctui" / "bench-last.json").read_text())["results"] == doc["results"]
    )
    assert [p for p in Path(tmp_path).iterdir() if p.name.startswith("ipctui-bench-")] == []


def test_cli_refuses_unknown_mechanisms_and_sizes():
    bad = subprocess.run(
        [sys.executable, "-m", "ipctui", "bench", "--mechanisms", "carrier-pigeon"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "carrier-pigeon" in bad.stderr and "Traceback" not in bad.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "ipctui", "bench", "--sizes", "huge"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "bad size" in bad.stderr


@pytest.mark.parametrize("mechanism", ["posix-mq", "sysv-msg"])
def test_message_queues_are_measured_and_removed(mechanism, monkeypatch):
    sysv_ipc = pytest.importorskip("sysv_ipc")
    made: list[int] = []  # only the queues this test makes are looked at (others may run)
    real_queue = sysv_ipc.MessageQueue

    def recording(*args, **kwargs):
        q = real_queue(*args, **kwargs)
        made.append(q.id)
        return q

    monkeypatch.setattr(sysv_ipc, "MessageQueue", recording)
    r = measure(mechanism, 64, "same", quick=True)
    assert r["rtt_us"] is not None, r["notes"]
    assert r["throughput"]["msg_per_s"] > 0
    assert (len(made) > 0) == (mechanism == "sysv-msg")
    assert not set(made) & _sysv_queues()  # System V queues removed (POSIX ones: next test)
    too_big = measure(mechanism, 1 << 20, quick=True)
    assert too_big["rtt_us"] is None and too_big["notes"][0].startswith("unavailable:")
    assert sysv_ipc is not None


def test_posix_queues_are_unlinked(tmp_path):
    posix_ipc = pytest.importorskip("posix_ipc")
    from ipctui.bench.links import PosixMqLink

    link = PosixMqLink(64, str(tmp_path))
    names = list(link.names)
    link.cleanup()
    for name in names:
        with pytest.raises(posix_ipc.ExistentialError):
            posix_ipc.MessageQueue(name)


def _sysv_queues() -> set[int]:
    """The ids of the machine's System V queues."""
    text = Path("/proc/sysvipc/msg").read_text() if Path("/proc/sysvipc/msg").exists() else ""
    return {int(line.split()[1]) for line in text.splitlines()[1:]}


def test_a_peer_that_stops_answering_ends_the_measurement_not_the_run(monkeypatch, tmp_path):
    from ipctui.bench import links, runner

    class MuteLink(links.PipeLink):
        def child_end(self) -> links.End:
            end = super().child_end()
            end.send = lambda data: None  # type: ignore[method-assign]  # it never answers
            return end

    monkeypatch.setitem(links.LINKS, "mute", MuteLink)
    monkeypatch.setitem(runner.WATCHDOG_S, True, 1)
    monkeypatch.setenv("IPCTUI_BENCH_TMPDIR", str(tmp_path))
    r = runner.measure("mute", 64, quick=True)
    assert r["rtt_us"] is None and "watchdog" in r["notes"][0]
    assert list(tmp_path.iterdir()) == []


def ipctui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipctui", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_shared_memory_rings_run_ahead_and_check_every_message():
    from ipctui.bench.links import ShmLink

    link = ShmLink(64, "/unused")
    sender, receiver = link.parent_end(), link.child_end()
    messages = [Messages(64).make(i) for i in range(40)]  # fewer than the ring's slots: no waiting
    for m in messages:
        sender.send(m)
    assert [receiver.recv(64) for _ in messages] == messages
    assert link.notes == ["a ring of 64 slots each way in shared memory"]


def test_compare_lists_every_mechanism_with_facts_and_the_last_measurements(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    empty = ipctui("compare", "--format", "json", env=env)
    assert empty.returncode == 0, empty.stderr
    doc = json.loads(empty.stdout)
    rows = {r["mechanism"]: r for r in doc["mechanisms"]}
    from ipctui.bench.links import LINKS

    assert list(rows) == list(LINKS) and doc["measured"] is None
    assert rows["tcp"]["across_machines"] and not rows["pipe"]["across_machines"]
    assert rows["pipe"]["capacity"].startswith("64 KiB") and rows["pipe"]["p50_us_64B"] is None
    assert rows["udp"]["boundaries"].startswith("yes") and rows["pipe"]["boundaries"].startswith("no")
    text = ipctui("compare", env=env)
    assert "No measurements yet" in text.stdout
    ran = ipctui("bench", "--quick", "--mechanisms", "pipe", "--format", "json", env=env)
    assert ran.returncode == 0, ran.stderr
    after = {
        r["mechanism"]: r
        for r in json.loads(ipctui("compare", "--format", "json", env=env).stdout)["mechanisms"]
    }
    assert after["pipe"]["p50_us_64B"] > 0 and after["pipe"]["MB_per_s_64KiB"] > 0
    assert after["tcp"]["p50_us_64B"] is None  # not measured in that run


def test_bench_compare_puts_a_run_beside_an_earlier_one(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    first = ipctui("bench", "--quick", "--mechanisms", "pipe", "--format", "json", env=env)
    old = tmp_path / "old.json"
    old.write_text(first.stdout)
    again = ipctui(
        "bench", "--quick", "--mechanisms", "pipe", "--compare", str(old), env={**env, "COLUMNS": "160"}
    )
    assert again.returncode == 0, again.stderr
    assert "This run against the earlier one" in again.stdout and "×" in again.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = ipctui("bench", "--quick", "--compare", str(bad), env=env)
    assert refused.returncode == 2 and "not an ipctui bench document" in refused.stderr
    assert "Traceback" not in refused.stderr


class _Meddling:
    """A child end that damages the stream of big messages: flips a byte in one, or swaps two."""

    def __init__(self, end, how: str, at: int) -> None:
        self.end, self.how, self.at, self.n, self.held = end, how, at, 0, None

    def recv(self, n: int) -> bytes:
        self.n += 1
        if self.held is not None:
            data, self.held = self.held, None
            return data
        data = bytes(self.end.recv(n))
        if self.n == self.at and self.how == "flip":
            return data[:100] + bytes([data[100] ^ 1]) + data[101:]
        if self.n == self.at and self.how == "swap":
            self.held = data
            return bytes(self.end.recv(n))
        return data

    def __getattr__(self, name: str):
        return getattr(self.end, name)


@pytest.mark.parametrize("how", ["flip", "swap"])
def test_a_damaged_or_reordered_big_message_in_the_stream_is_reported(how, monkeypatch, tmp_path):
    from ipctui.bench.links import PipeLink

    monkeypatch.setenv("IPCTUI_BENCH_TMPDIR", str(tmp_path))
    plan = plan_for(65536, quick=True)
    at = plan.warmup + plan.rounds + 10  # the tenth message of the one-way stream
    child_end = PipeLink.child_end
    monkeypatch.setattr(PipeLink, "child_end", lambda self: _Meddling(child_end(self), how, at))
    r = measure("pipe", 65536, "same", quick=True)
    assert any("arrived changed" in note for note in r["notes"]), r["notes"]


def test_an_mp_queue_run_cut_short_does_not_keep_the_process_from_exiting(tmp_path):
    # a message left with the queue's feeder thread, in a pipe no one reads any more: as after
    # ctrl+c in the middle of a stream. Without the clean-up the process waits at exit forever.
    code = (
        "from ipctui.bench.links import MpQueueLink\n"
        f"link = MpQueueLink(1 << 20, {str(tmp_path)!r})\n"
        "link.parent_end().send(b'x' * (1 << 20))\n"
        "link.cleanup()\n"
    )
    try:
        subprocess.run([sys.executable, "-c", code], timeout=60, check=True)
    except subprocess.TimeoutExpired:
        pytest.fail("the process did not exit")
