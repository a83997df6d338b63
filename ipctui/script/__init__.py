"""The IPC script language: parse lines, run them on the engine, format the trace."""

from .args import ProcRef
from .format import json_line, json_record, text_line
from .lex import ScriptError
from .runner import ExpectationFailed, Runner, Step, run_script
from .statements import (
    Assertion,
    Call,
    Expect,
    Narration,
    Script,
    Spawn,
    Statement,
    parse,
    parse_line,
)

__all__ = [
    "Assertion",
    "Call",
    "Expect",
    "ExpectationFailed",
    "Narration",
    "ProcRef",
    "Runner",
    "Script",
    "ScriptError",
    "Spawn",
    "Statement",
    "Step",
    "json_line",
    "json_record",
    "parse",
    "parse_line",
    "run_script",
    "text_line",
]
