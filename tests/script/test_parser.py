"""The parser: values, normalisation, and a precise error for every kind of bad line."""

import pytest
from helpers import outcome, trace

from ipctui.script import Assertion, Call, Narration, ScriptError, Spawn, parse, parse_line
from ipctui.script.lex import unescape
from ipctui.script.values import Sym, quote


def test_statement_kinds():
    assert isinstance(parse_line("spawn A uid=0"), Spawn)
    assert isinstance(parse_line("## look at the pipe"), Narration)
    assert parse_line("# a comment") is None
    assert parse_line("   ") is None
    call = parse_line('A: open("/f", O_RDONLY|O_NONBLOCK) = 3  # trailing comment')
    assert isinstance(call, Call) and call.expect is not None and call.expect.value == 3
    assert call.args == [b"/f", Sym(("O_RDONLY", "O_NONBLOCK"))]
    resumed = parse_line('A: <... read resumed> = "x"')
    assert isinstance(resumed, Assertion) and resumed.kind == "resumed"
    assert isinstance(parse_line("A: --- stopped by SIGTSTP ---"), Assertion)
    assert isinstance(parse_line("A: +++ exited with 3 +++"), Assertion)
    assert isinstance(parse_line("A: +++ killed by SIGKILL +++"), Assertion)
    assert isinstance(parse_line("7: getpid()"), Call)


def test_values_are_normalised_in_the_trace():
    assert trace("""
        spawn A
        A: pipe(capacity=0x10, page_size=04) = [3, 4]
        A: write(4, "\\x41\\t\\"q\\"\\\\ é") = 9
        A: mkfifo("/f", mode=420)
        A: kill(1, 0)
        A: msgget(1, IPC_CREAT|0644)
    """) == [
        "spawn A",
        "A: pipe(capacity=16, page_size=4) = [3, 4]",
        'A: write(4, "A\\t\\"q\\"\\\\ \\xc3\\xa9") = 9',
        'A: mkfifo("/f", mode=0644) = 0',
        "A: kill(1, 0) = 0",
        "A: msgget(1, IPC_CREAT|0644) = 0",
    ]


def test_quoting_round_trips_every_byte():
    data = bytes(range(256))
    text = quote(data)
    assert unescape(text[1:-1], 1) == data


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("garbage here", "cannot read 'garbage here'"),
        ("spwan A", "did you mean `spawn A`?"),
        ("Spawn A uid=1", "did you mean `spawn A uid=1`?"),
        ("spwn", "did you mean `spawn NAME`?"),
        ("spawn", "spawn needs a process name"),
        ("spawn 9lives", "bad process name '9lives'"),
        ("spawn A uid=x", "spawn takes a name and optionally uid=N"),
        ("spawn A uid=-1", "uid must be 0 to 4294967294"),
        ("A: nosuch(1)", "unknown call nosuch()"),
        ("A: reed(3, 1)", "did you mean read()?"),
        ("A: read(3)", "read(fd, count) takes 2 arguments, got 1"),
        ("A: getpid(1)", "getpid() takes 0 arguments, got 1"),
        ('A: read(3, "x")', 'read(): count must be an integer, not "x"'),
        ("A: read(3, 1", "expected ) to close read("),
        ("A: read 3", "expected a call such as read(3, 10)"),
        ('A: write(3, "x)', "unterminated string"),
        ('A: write(3, "\\q")', "unknown escape \\q"),
        ("A: pipe(size=1)", "pipe() has no keyword size="),
        ("A: pipe(capacity=1, capacity=2)", "got capacity= twice"),
        ("A: kill(B, SIGFOO)", "unknown signal SIGFOO"),
        ('A: open("/f", O_FOO)', "unknown constant O_FOO"),
        ("A: pipe(capacity=1, 2)", "a positional argument cannot follow a keyword"),
        ("A: getpid() = [1,", "expected a value"),
        ("A: getpid() = -1 EFOO", "unknown errno EFOO"),
        ("A: getpid() =", "a result is missing after ="),
        ("A: getpid() extra", "unexpected 'extra' after getpid(...)"),
        ("A: read(3, 089)", "bad number '089'"),
        ("A: --- SIGFOO ---", "unknown signal SIGFOO"),
        ("A: <... read resumed>", "needs its result"),
        ("A: +++ exited +++", "an exit line reads"),
        ("A: signal(SIGUSR1, 5)", "handler must be SIG_DFL, SIG_IGN or a handler name"),
        ('A: kill("A", SIGTERM)', "pid must be a process name or pid"),
    ],
)
def test_every_bad_line_names_its_line_and_problem(line: str, message: str) -> None:
    with pytest.raises(ScriptError) as err:
        parse(f"spawn A\n\n{line}\n", "x.ipc")
    assert err.value.lineno == 3
    assert message in err.value.message


def test_runtime_script_errors_name_their_line():
    assert outcome("spawn A\nB: getpid()\n") == "2: error: there is no process named B"
    assert outcome("spawn A\n5: getpid()\n") == "2: error: there is no pid 5"
    assert outcome('spawn A\nA: fork("A")\n').startswith("2: error: a process named A already exists")


def test_failed_expectations_say_what_was_expected_and_what_came():
    assert outcome("spawn A\nA: getpid() = 2\n") == "2: expected 2, got 1"
    assert (
        outcome("spawn A\nA: pipe() = -1 EMFILE\n")
        == "2: expected -1 EMFILE (Too many open files), got [3, 4]"
    )
    assert outcome("spawn A\nA: pause() = 0\n") == "2: expected 0, got <unfinished ...>"
    assert outcome("spawn A\nA: getpid() <unfinished ...>\n") == "2: expected <unfinished ...>, got 1"
    assert outcome("spawn A\nA: exit(0) = ?\nA: +++ exited with 1 +++\n") == (
        "3: expected A: +++ exited with 1 +++, got A: +++ exited with 0 +++"
    )
    assert outcome("spawn A\nA: --- SIGTERM ---\n") == (
        "2: expected A: --- SIGTERM ---, got nothing (no line is left to check)"
    )


def test_the_errno_text_in_parentheses_is_not_compared():
    assert outcome("spawn A\nA: close(9) = -1 EBADF (whatever it says)\n") == "ok"
    assert outcome("spawn A\nA: close(9) = -1 EBADF\n") == "ok"
