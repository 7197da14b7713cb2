"""`make bench`: run every benchmark, each in its own process; BENCH lines go to stdout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = [
    "benchmarks.disinfection_confirm",
    "benchmarks.checkins",
    "benchmarks.sandbox_roundtrip",
    "benchmarks.scheduler_rebuild",
    "benchmarks.samples_log",
    "benchmarks.broadcast",
    "benchmarks.summary",
    "benchmarks.repairs",
    "benchmarks.faults_kill9",
]


def main() -> int:
    failed = 0
    for module in BENCHMARKS:
        if not (ROOT / (module.replace(".", "/") + ".py")).exists():
            continue
        print(f"# {module}", flush=True)
        failed |= subprocess.run([sys.executable, "-m", module], cwd=ROOT).returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
