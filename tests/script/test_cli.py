"""`ipctui run`: exit statuses, stderr lines, JSON Lines, standard input; never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from ipctui import __version__
from ipctui.cli import main


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipctui", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_success_prints_the_trace(tmp_path: Path):
    script = tmp_path / "ok.ipc"
    script.write_text("# comment\n## narration\nspawn A\nA: getpid()\n")
    result = run("run", str(script))
    assert (result.returncode, result.stdout, result.stderr) == (0, "spawn A\nA: getpid() = 1\n", "")


def test_failed_expectation_is_status_1_with_the_trace_up_to_there(tmp_path: Path):
    script = tmp_path / "bad.ipc"
    script.write_text("spawn A\nA: getpid() = 7\nA: getpid()\n")
    result = run("run", str(script))
    assert result.returncode == 1
    assert result.stdout == "spawn A\nA: getpid() = 1\n"
    assert result.stderr == f"{script}:2: expected 7, got 1\n"


def test_script_errors_are_status_2_with_one_line(tmp_path: Path):
    script = tmp_path / "err.ipc"
    script.write_text("spawn A\nA: read(3\n")
    result = run("run", str(script))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"{script}:2: error: expected ) to close read(, found the end of the line\n"


def test_a_runtime_script_error_keeps_the_trace_before_it(tmp_path: Path):
    script = tmp_path / "err.ipc"
    script.write_text("spawn A\nA: pause()\nA: getpid()\n")
    result = run("run", str(script))
    assert result.returncode == 2
    assert result.stdout == "spawn A\nA: pause() <unfinished ...>\n"
    assert result.stderr.startswith(f"{script}:3: error: A is blocked in pause()")


def test_missing_file_and_non_utf8(tmp_path: Path):
    missing = tmp_path / "none.ipc"
    for command in ("run", "explore", "diff"):
        result = run(command, str(missing))
        assert result.returncode == 2, command
        assert result.stderr == f"error: cannot read {missing}: No such file or directory\n", command
    assert "Traceback" not in result.stderr
    binary = tmp_path / "bin.ipc"
    binary.write_bytes(b"spawn A\n\xff\xfe\n")
    result = run("run", str(binary))
    assert result.returncode == 2 and result.stderr == f"{binary}:2: error: the script is not UTF-8 text\n"


def test_standard_input():
    result = run("run", "-", stdin="spawn A\nA: getpid() = 1\n")
    assert result.returncode == 0 and result.stdout == "spawn A\nA: getpid() = 1\n"
    result = run("run", "-", stdin="spawn A\nA: oops()\n")
    assert result.returncode == 2 and result.stderr.startswith("<stdin>:2: error: unknown call oops()")


def test_bad_format_option_is_a_usage_error():
    result = run("run", "--format", "xml", "x.ipc")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_json_lines(tmp_path: Path):
    script = tmp_path / "j.ipc"
    script.write_text(
        "spawn A\n"
        "A: pipe(capacity=16, page_size=4) = [3, 4]\n"
        'A: write(4, "\\xff\\x41")\n'
        "A: close(3)\n"
        'A: open("/no", O_RDONLY|O_NONBLOCK)\n'
        'A: write(4, "x")\n'
    )
    result = run("run", str(script), "--format", "json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["seq"] for r in records] == list(range(1, 9))
    assert [r["kind"] for r in records] == ["spawn", "call", "call", "call", "call", "call", "signal", "exit"]
    spawn, pipe, write, _, err, epipe, sig, ex = records
    assert spawn == {
        "seq": 1,
        "line": 1,
        "kind": "spawn",
        "proc": "A",
        "pid": 1,
        "uid": 1000,
        "text": "spawn A",
    }
    assert pipe["args"] == [{"capacity": 16, "page_size": 4}]
    assert pipe["status"] == "ok" and pipe["result"] == [3, 4] and pipe["line"] == 2
    assert write["args"] == [4, "\\xffA"] and write["result"] == 2
    assert err["args"] == ["/no", "O_RDONLY|O_NONBLOCK"] and err["status"] == "error"
    assert err["errno"] == "ENOENT" and "result" not in err
    assert epipe["errno"] == "EPIPE" and epipe["line"] == 6
    assert sig["signal"] == "SIGPIPE" and sig["line"] == 6
    assert ex["signal"] == "SIGPIPE" and ex["code"] is None and ex["line"] == 6


def test_json_resumed_and_exit(tmp_path: Path):
    script = tmp_path / "j.ipc"
    script.write_text('spawn A\nA: fork("B")\nB: getpid()\nA: wait() <unfinished ...>\nB: exit(3)\n')
    result = run("run", str(script), "--format", "json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    blocked = records[3]
    assert blocked["status"] == "blocked" and "result" not in blocked
    *_, call, exit_, resumed = records
    assert call["status"] == "fault" and call["call"] == "exit"
    assert exit_ == {
        "seq": 6,
        "line": 5,
        "kind": "exit",
        "proc": "B",
        "pid": 2,
        "signal": None,
        "code": 3,
        "text": "B: +++ exited with 3 +++",
    }
    assert resumed["kind"] == "resumed" and resumed["call"] == "wait" and resumed["args"] == []
    assert resumed["result"] == [2, 3] and resumed["line"] == 5


def test_help_lists_run_and_does_not_import_textual():
    code = "import sys; from ipctui.cli import main; print('textual' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    )
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0 and "run" in result.output


def test_the_entry_point_is_the_group_with_every_command() -> None:
    """The CLI is a package (cli/run, cli/bench, cli/demo): pyproject's `ipctui` entry point still
    names the group, and the group still holds every command, each with its own help."""
    from importlib.metadata import entry_points

    (point,) = [e for e in entry_points(group="console_scripts") if e.name == "ipctui"]
    assert point.value == "ipctui.cli:main" and point.load() is main
    assert sorted(main.commands) == ["bench", "compare", "demo", "demos", "diff", "explore", "run", "serve"]
    for name in main.commands:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert result.output.startswith(f"Usage: main {name} "), result.output
    listed = CliRunner().invoke(main, ["--help"]).output
    assert all(f"  {name} " in listed for name in main.commands), listed
