"""The parser's limits (issue 16): a script's size cannot take the machine's memory or give a
traceback; what is too big is a FILE:LINE error, exit 2."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from ipctui.engine import Kernel  # noqa: F401  (registers the calls)
from ipctui.script import ScriptError, parse
from ipctui.script.lex import MAX_DIGITS, MAX_LINE


@pytest.mark.parametrize(
    "line",
    [
        "A: kill(1, {n})",
        "{n}: getpid()",
        "A: +++ exited with {n} +++",
        "A: getpid() = {n}",
        "A: kill(1, -0x{n})",
    ],
)
def test_an_integer_literal_past_the_limit_is_a_line_error(line: str):
    text = "spawn A\n" + line.format(n="9" * (MAX_DIGITS + 1)) + "\n"
    with pytest.raises(ScriptError) as e:
        parse(text)
    assert e.value.lineno == 2 and f"the limit is {MAX_DIGITS}" in e.value.message


def test_an_integer_literal_at_the_limit_is_read():
    st = parse(f"spawn A\nA: kill(1, {'1' * MAX_DIGITS})\n").statements[1]
    assert "1" * MAX_DIGITS in st.text


def test_a_line_past_the_limit_is_refused_before_it_is_read(tmp_path: Path):
    path = tmp_path / "long.ipc"
    path.write_text('spawn A\nA: write(4, "' + "x" * MAX_LINE + '")\n')
    out = subprocess.run([sys.executable, "-m", "ipctui", "run", str(path)], capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.startswith(f"{path}:2: error: a line of ") and "Traceback" not in out.stderr


def test_a_long_string_literal_needs_less_than_ten_times_its_size():
    size = 8 << 20
    text = 'spawn A\nA: write(4, "' + "x" * size + '")\n'
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        statements = parse(text).statements
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(statements) == 2
    assert peak < 10 * size, f"{peak >> 20} MiB for {size >> 20} MiB"


def test_any_bytes_in_a_string_parse():
    st = parse('spawn A\nA: mkfifo("/tmp/\\xff\\x00\\xfe")\n').statements[1]
    assert st.args[0] == b"/tmp/\xff\x00\xfe"
