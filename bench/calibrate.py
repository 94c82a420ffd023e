"""Choose the answer gate's thresholds from a measured risk-coverage curve.

Usage:
    .venv/bin/python bench/calibrate.py [MODEL] [--data tests/nlu/calibration.yml
        tests/nlu/heldout.yml] [--top 15]

Parses each message once with the trained model, then replays the gate
(``bot.nlu.answer_gate.decide``) offline over a grid of thresholds. For each setting it
counts, over the in-scope messages, the share answered right, refused (asked again or
referred) and answered wrongly, and over the out-of-scope messages the share answered
wrongly (an FAQ given or a task started). It prints the Pareto frontier (in-scope
answered right against all wrong answers: the risk-coverage curve of the gate) and the
setting chosen: the most in-scope answers right with out-of-scope answered wrongly at
most ``--max-oos-wrong`` and in-scope refused at most ``--max-refused``.

Only sets the model is not judged on belong here: the calibration set and the
held-out set (used for error analysis anyway). The open-world sets, blind and street
are never passed to this script.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval_nlu import (  # noqa: E402
    FALLBACK,
    OUT_OF_SCOPE,
    arguments,
    evaluate,
    load_examples,
    outcome,
    unseen,
)

from bot.nlu.answer_gate import (  # noqa: E402
    GateConfig,
    blend,
    decide,
    rankings,
    second_opinion,
)

GRID = {
    "intent_threshold": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    "intent_ambiguity": [0.05, 0.1, 0.2, 0.3, 0.5],
    "faq_threshold": [0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9],
    "faq_margin": [0.0, 0.1, 0.2, 0.3, 0.5],
    "oos_veto": [1.01, 0.5, 0.3, 0.2, 0.1, 0.05],
}
# The second opinion's share in the blend (bot/nlu/second_opinion.py); 0 is off.
WEIGHTS = [0.0, 0.5, 0.6, 0.7, 0.8]


@dataclass(frozen=True)
class Point:
    """The figures of one gate setting."""

    config: GateConfig
    in_right: float
    in_refused: float
    in_wrong: float
    oos_wrong: float

    @property
    def wrong(self) -> float:
        """All wrong answers, in-scope and out-of-scope, per message of each kind."""
        return self.in_wrong + self.oos_wrong


Case = tuple[Any, Any, Any, str]  # intents, selectors, second opinion, text


def label(case: Case, config: GateConfig) -> str:
    """Return what the gate with ``config`` would make of one parse."""
    intents, selectors, second, text = case
    intents, selectors = blend(intents, selectors, second, config.second_opinion_weight)
    decision = decide(intents, selectors, config, text)
    if decision.action == "ask":
        return FALLBACK
    return decision.key or decision.intent


def measure(cases: list[tuple[str, Case]], config: GateConfig) -> Point:
    """Replay the gate over every case."""
    counts = {"right": 0, "refused": 0, "wrong": 0, "oos": 0, "oos_wrong": 0}
    for gold, ranked in cases:
        result = outcome(gold, label(ranked, config))
        if gold.startswith(OUT_OF_SCOPE):
            counts["oos"] += 1
            counts["oos_wrong"] += result == "wrong"
        else:
            counts[result] += 1
    n_in = counts["right"] + counts["refused"] + counts["wrong"]
    return Point(
        config,
        counts["right"] / n_in,
        counts["refused"] / n_in,
        counts["wrong"] / n_in,
        counts["oos_wrong"] / max(counts["oos"], 1),
    )


def frontier(points: list[Point]) -> list[Point]:
    """Return the settings no other beats on both in-scope right and wrong answers."""
    best: list[Point] = []
    for p in sorted(points, key=lambda p: (p.wrong, -p.in_right)):
        if not best or p.in_right > best[-1].in_right:
            best.append(p)
    return best


def row(p: Point) -> str:
    c = p.config
    return (
        f"| {c.intent_threshold:.2f} | {c.intent_ambiguity:.2f} | {c.faq_threshold:.2f}"
        f" | {c.faq_margin:.2f} | {c.oos_veto:.2f} | {c.second_opinion_weight:.1f}"
        f" | {p.in_right:.1%} | "
        f"{p.in_refused:.1%} | {p.in_wrong:.1%} | {p.oos_wrong:.1%} |"
    )


def main() -> None:
    parser = arguments(__doc__, ["calibration.yml", "heldout.yml"])
    parser.add_argument("--max-oos-wrong", type=float, default=0.03)
    parser.add_argument("--max-refused", type=float, default=0.03)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument(
        "--show",
        nargs="*",
        default=[],
        metavar="T,A,F,M,V[,W]",
        help="also print these settings (intent thr, ambiguity, faq thr, margin, veto,"
        " second opinion's weight)",
    )
    args = parser.parse_args()
    for data in args.data:
        if Path(data).name.startswith("open_") or Path(data).name in (
            "blind.yml",
            "street.yml",
        ):
            parser.error(f"{data} is a set the model is judged on: not for tuning")

    cases: list[tuple[str, Case]] = []
    for data in args.data:
        report = asyncio.run(
            evaluate(args.model, unseen(load_examples(Path(data))), keep_parses=True)
        )
        cases += [
            (gold, (*rankings(parse), second_opinion(parse), text))
            for text, gold, parse in report.parses
        ]
    n_oos = sum(gold.startswith(OUT_OF_SCOPE) for gold, _ in cases)
    print(f"{len(cases) - n_oos} in-scope and {n_oos} out-of-scope messages")

    names = [*GRID, "second_opinion_weight"]
    weights = WEIGHTS if any(case[2] for _, case in cases) else [0.0]
    points = []
    for weight in weights:
        # Blend once per weight, then replay the thresholds on the blended rankings.
        blended = [
            (gold, (*blend(i, s, second, weight), (), text))
            for gold, (i, s, second, text) in cases
        ]
        points += [
            measure(blended, GateConfig(**dict(zip(names, values, strict=True))))
            for values in itertools.product(*GRID.values(), [weight])
        ]
    header = (
        "| intent thr | intent amb | faq thr | faq margin | oos veto | second opinion"
        " | in-scope right | refused | in-scope wrong | oos answered wrongly |\n|"
        + "---|"
        * 10
    )
    off = measure(cases, GateConfig(0, 0, 0, 0, 1.01))
    rasa = measure(cases, GateConfig())
    print("\nno gate:")
    print(header)
    print(row(off))
    print("\nRasa's FallbackClassifier defaults only (0.4 / 0.05):")
    print(header)
    print(row(rasa))
    print("\nPareto frontier (risk-coverage):")
    print(header)
    for p in frontier(points)[: args.top * 2]:
        print(row(p))
    if args.show:
        print("\nrequested settings:")
        print(header)
        for spec in args.show:
            values = [float(v) for v in spec.split(",")]
            print(row(measure(cases, GateConfig(*values))))
    allowed = [
        p
        for p in points
        if p.oos_wrong <= args.max_oos_wrong and p.in_refused <= args.max_refused
    ]
    print(
        f"\nchosen (oos wrong <= {args.max_oos_wrong:.0%}, "
        f"refused <= {args.max_refused:.0%}):"
    )
    if not allowed:
        print("none meets both limits; the frontier above shows the trade-off")
        return
    # Most right answers; then fewest wrong; then the least strict thresholds.
    chosen = max(
        allowed,
        key=lambda p: (
            round(p.in_right, 4),
            -round(p.wrong, 4),
            -sum(asdict(p.config).values()),
        ),
    )
    print(header)
    print(row(chosen))
    print(asdict(chosen.config))


if __name__ == "__main__":
    main()
