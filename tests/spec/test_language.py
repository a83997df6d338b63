"""SPEC section 1, the script language: what a line may say, and the FILE:LINE error (exit 2)
for what it may not."""

from __future__ import annotations

from click.testing import CliRunner
from helpers import outcome

from ipctui.cli import main


def test_a_uid_is_a_uid_t() -> None:
    assert outcome("spawn A uid=4294967294\nA: getpid() = 1\n") == "ok"
    assert outcome("spawn A uid=4294967295\n") == (
        "1: error: uid must be 0 to 4294967294 (a uid_t; -1 is no uid), not 4294967295"
    )
    assert outcome("spawn A uid=99999999999999999999\n").startswith("1: error: uid must be 0 to")


def test_a_bad_uid_is_a_script_error_on_the_command_line() -> None:
    res = CliRunner().invoke(main, ["run", "-"], input="spawn A\nspawn B uid=0x100000000\n")
    assert res.exit_code == 2
    assert res.stderr.startswith("<stdin>:2: error: uid must be 0 to 4294967294")


def test_a_malformed_error_result_says_how_it_reads() -> None:
    for result in ("-1 EBADF (Bad file descriptor", "-1 EBADF Bad", "-1 EBADF (Bad) 2"):
        assert outcome(f"spawn A\nA: read(3, 4) = {result}\n") == (
            f"2: error: an error result reads `-1 ENAME (text)`, not {result!r}"
        )
    assert outcome("spawn A\nA: read(3, 4) = -1 EBADF (any text)\n") == "ok"
    assert outcome("spawn A\nA: read(3, 4) = -1 ENOPE\n") == "2: error: unknown errno ENOPE"
