"""The IPC script language: parse lines, run them on the engine, format the trace."""

from .format import json_line, json_record, text_line
from .parser import (
    Assertion,
    Call,
    Expect,
    Narration,
    Script,
    ScriptError,
    Spawn,
    Statement,
    parse,
    parse_line,
)
from .runner import ExpectationFailed, Runner, Step, run_script

__all__ = [
    "Assertion",
    "Call",
    "Expect",
    "ExpectationFailed",
    "Narration",
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
