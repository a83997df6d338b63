"""Check the simulation against this machine's kernel: every script in the engine's tests, the
golden traces, the demos and the shared examples, through `ipctui diff`. Run by hand, as root:
`python scripts/crosscheck.py [-j 2]`. Prints each script whose two traces differ, with the
differing lines and their reasons, and a summary; exits 1 if any difference is unexplained.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CHECK = re.compile(r'check\(\s*"""\n(.*?)"""', re.S)


def scripts(tmp: Path) -> list[Path]:
    found = sorted(ROOT.glob("tests/examples/*.ipc")) + sorted(ROOT.glob("tests/golden/*.ipc"))
    found += sorted(ROOT.glob("ipctui/demos/*.ipc"))
    for test in sorted(ROOT.glob("tests/engine/test_*.py")):
        text = test.read_text()
        for m in _CHECK.finditer(text):
            line = text[: m.start()].count("\n") + 1
            path = tmp / f"{test.stem}_{line}.ipc"
            path.write_text(textwrap.dedent(m.group(1)))
            found.append(path)
    return found


def diff(path: Path) -> tuple[Path, dict | str]:
    run = subprocess.run(
        [sys.executable, "-m", "ipctui", "diff", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode not in (0, 1):
        return path, run.stderr.strip()
    return path, json.loads(run.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-j", type=int, default=2, help="scripts at a time")
    jobs = parser.parse_args().j
    with tempfile.TemporaryDirectory() as tmp:
        paths = scripts(Path(tmp))
        with ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(diff, paths))
    agree = known = unexplained = 0
    for path, doc in results:
        if isinstance(doc, str):
            unexplained += 1
            print(f"== {path.name}: {doc}")
            continue
        if doc["agree"]:
            agree += 1
            continue
        bad = [d for d in doc["differences"] if not d["reason"]]
        unexplained += bool(bad)
        known += not bad
        print(f"== {path.name}: {len(doc['differences'])} line(s) differ" + (" (UNEXPLAINED)" if bad else ""))
        for d in doc["differences"]:
            print(f"   simulated: {d['simulated']}\n   real:      {d['real']}\n   reason:    {d['reason']}")
    print(f"\n{len(results)} scripts: {agree} agree, {known} differ only by known departures or lines")
    print(f"this machine cannot run, {unexplained} differ unexplained")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
