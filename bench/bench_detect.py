"""My Number detection over random surface forms: how many are found, how fast.

Usage: .venv/bin/python bench/bench_detect.py [--forms 100000] [--seed 2026]

The forms are those of the property test (tests/privacy/test_detect.py): valid
numbers in ASCII, full-width or kanji digits, grouped 12 / 4-4-4 / 3-3-3-3 / 6-6 /
2x6 / one by one, with every separator, sometimes across a line break, inside
ordinary words.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.privacy.detect import SecretKind, find_secrets  # noqa: E402
from tests.privacy.test_detect import surface_form  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    missed, times = [], []
    for _ in range(args.forms):
        text = surface_form(rng)
        started = time.perf_counter()
        found = find_secrets(text)
        times.append(time.perf_counter() - started)
        if [s.kind for s in found] != [SecretKind.MY_NUMBER]:
            missed.append(text)
    found_share = 100 * (args.forms - len(missed)) / args.forms
    times.sort()
    print(f"forms: {args.forms}, found: {found_share:.3f}%, missed: {missed[:5]}")
    print(
        f"find_secrets per message: median {statistics.median(times) * 1e6:.0f} µs, "
        f"p99 {times[int(len(times) * 0.99)] * 1e6:.0f} µs"
    )


if __name__ == "__main__":
    main()
