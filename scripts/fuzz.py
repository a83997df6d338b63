"""The differential fuzzer, for long runs: random valid scripts of one family (or all), each run
on the simulated and the real kernel through `ipctui diff`, with a summary by kind of
disagreement. Run as root (uid= and the private network namespace need it):

    python scripts/fuzz.py --family socket --count 200 [--seed 1] [--shape storm] [--before ../old-checkout]

`--shape` picks the generator: `lines` (short scripts, ipctui/fuzz/strategies.py), `storm` (long,
four processes, signals and stops in every family, edge values: ipctui/fuzz/storm.py), `mutate`
(the project's own examples, goldens, conformance scripts, demos and reproducers, mutated: numbers,
flags, uids, lines swapped, deleted, duplicated or inserted: ipctui/fuzz/mutate.py); `both` runs
lines and storm, `all` the three.

`--before` runs the same scripts with the code of another checkout (a worktree of an older
commit), to show what a fix changed. Exits 1 if any difference is unexplained.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipctui.fuzz.run import ROOT as CODE  # noqa: E402
from ipctui.fuzz.run import SHAPES, Summary, diff_script, generate  # noqa: E402
from ipctui.fuzz.strategies import FAMILIES  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--family", default="all", choices=["all", *FAMILIES])
    ap.add_argument("--count", type=int, default=200, help="scripts per family (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--shape", default="lines", choices=[*SHAPES, "both", "all"], help="the generator (default lines)"
    )
    ap.add_argument("--before", type=Path, help="a checkout whose code runs the same scripts too")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="scripts run at once (default 1)")
    ap.add_argument("--show", type=int, default=1, help="scripts shown per kind (default 1)")
    ap.add_argument("--save", type=Path, help="a directory to write each disagreeing script to, whole")
    args = ap.parse_args()
    families = list(FAMILIES) if args.family == "all" else [args.family]
    checkouts = [("after", CODE)] + ([("before", args.before.resolve())] if args.before else [])
    bad = 0
    totals = {label: [0, 0] for label, _ in checkouts}
    shapes = {"both": ["lines", "storm"], "all": list(SHAPES)}.get(args.shape, [args.shape])
    for family, shape in [(f, s) for f in families for s in shapes]:
        texts = generate(family, args.count, args.seed, shape)
        for label, checkout in checkouts:
            with ThreadPoolExecutor(args.jobs) as pool:
                outcomes = list(pool.map(lambda t, c=checkout: diff_script(t, c), texts))
            summary = Summary(outcomes)
            totals[label][0] += summary.agreeing
            totals[label][1] += len(outcomes)
            print(f"[{label}: {checkout}, {shape}] " + summary.report(family), flush=True)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                for i, o in enumerate(o for o in outcomes if not o.agree):
                    (args.save / f"{label}-{family}-{shape}-{i}.ipc").write_text(f"# {o.kind}\n{o.script}")
            for kind in summary.kinds():
                for o in [o for o in outcomes if o.kind == kind][: args.show]:
                    for line in o.script.splitlines():
                        short = line if len(line) < 160 else f"{line[:150]}... ({len(line)} chars)"
                        print("      " + short)
            if label == "after":
                bad += sum(o.unexplained for o in outcomes) + sum(1 for o in outcomes if o.error)
    for label, (agree, n) in totals.items():
        print(f"{label}: {agree}/{n} scripts agree ({100 * agree / max(n, 1):.1f}%)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
