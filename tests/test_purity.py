"""The engine and the script layer import no UI code (DESIGN.md: the engine is pure)."""

import subprocess
import sys


def test_engine_and_script_import_neither_textual_nor_rich():
    code = (
        "import sys, ipctui.engine, ipctui.script, ipctui.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
