"""NLU accuracy on evaluation sets that no training file shares.

The floors are the measured level (bench/RESULTS.md) less a small margin for the
run-to-run variation of training; a drop below them fails the run. The open-world
sets also bound the wrong answers: out-of-scope questions given an FAQ answer or a
task, and in-scope questions refused.
"""

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from eval_nlu import Report, evaluate, load_examples, unseen  # noqa: E402


@dataclass(frozen=True)
class Floors:
    """Lowest accepted figures for one set: measured level less a small margin."""

    intent: float
    faq: float
    per_faq_label: float
    min_unseen: int
    # Open-world bounds (None: the set has no such messages).
    in_scope_right: float | None = None
    in_scope_refused: float | None = None
    oos_wrong: float | None = None


# Sets written independently of the training data: heldout.yml (used for error
# analysis while developing), blind.yml (never used for tuning), street.yml (hard
# phrasing: dialect, typos, kana only, fragments; measured once, never tuned on; 8
# messages a label, so one miss moves a label by 12.5 points). Modelling the
# neighbouring topics (issue 9) cost these sets 1-3 points, mostly questions referred
# or asked again; the varied in-scope data and then the second opinion blended into
# the gate (bot/nlu/second_opinion.py, 2026-12-02) won it back and more. The floors
# are the measurement of bench/RESULTS.md ("A second opinion") less about 1.5 points.
# The open-world sets (issue 9): open_oos.yml and open_inscope.yml, measured once per
# model and never tuned on; calibration.yml, on which the gate's thresholds were chosen.
FLOORS = {
    "heldout.yml": Floors(intent=0.965, faq=0.96, per_faq_label=0.75, min_unseen=250),
    "blind.yml": Floors(intent=0.965, faq=0.96, per_faq_label=0.65, min_unseen=250),
    "street.yml": Floors(intent=0.955, faq=0.96, per_faq_label=0.62, min_unseen=150),
    # Not independent: a guard for kana-only input (the reading features).
    "kana.yml": Floors(intent=0.95, faq=0.95, per_faq_label=0.0, min_unseen=20),
    "open_oos.yml": Floors(
        intent=0.91,
        faq=1.0,
        per_faq_label=0.0,
        min_unseen=400,
        # 2.0% before the second opinion, 3.6% (16 of 441) with it: the blend
        # answers more in-scope questions and lets a few more neighbours through.
        # The target is 5%.
        oos_wrong=0.045,
    ),
    "open_inscope.yml": Floors(
        intent=0.96,
        faq=0.955,
        per_faq_label=0.6,
        min_unseen=250,
        in_scope_right=0.94,
        # 3.2% (9 of 283) before the second opinion, 0.7% (2) with it.
        in_scope_refused=0.02,
    ),
    "calibration.yml": Floors(
        intent=0.955,
        faq=0.97,
        per_faq_label=0.5,
        min_unseen=400,
        in_scope_right=0.955,
        in_scope_refused=0.02,
        oos_wrong=0.03,
    ),
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def floors(request: pytest.FixtureRequest) -> tuple[str, Floors]:
    return request.param, FLOORS[request.param]


@pytest.fixture(scope="module")
def report(floors: tuple[str, Floors], model_path: Path) -> Report:
    name, floor = floors
    examples = unseen(load_examples(Path(__file__).with_name(name)))
    assert len(examples) > floor.min_unseen  # mostly phrasing the model never saw
    return asyncio.run(evaluate(str(model_path), examples))


def test_intent_accuracy(report: Report, floors: tuple[str, Floors]) -> None:
    assert report.intent_accuracy >= floors[1].intent, report.errors


def test_faq_answer_accuracy(report: Report, floors: tuple[str, Floors]) -> None:
    assert report.faq_accuracy >= floors[1].faq, [
        e for e in report.errors if e[1].startswith("faq/")
    ]


def test_open_world_bounds(report: Report, floors: tuple[str, Floors]) -> None:
    floor = floors[1]
    if floor.in_scope_right is not None:
        assert report.in_scope_rate("right") >= floor.in_scope_right, report.errors
    if floor.in_scope_refused is not None:
        assert report.in_scope_rate("refused") <= floor.in_scope_refused
    if floor.oos_wrong is not None:
        wrong = [e for e in report.errors if e[1].startswith("out_of_scope")]
        assert report.oos_wrong_rate <= floor.oos_wrong, wrong


def test_every_faq_is_answerable(report: Report, floors: tuple[str, Floors]) -> None:
    faq_labels = [label for label in report.per_label if label.startswith("faq/")]
    expected = {"kana.yml": 10, "open_oos.yml": 0}.get(floors[0], 17)
    assert len(faq_labels) == expected
    for label in faq_labels:
        counts = report.per_label[label]
        assert counts["correct"] / counts["total"] >= floors[1].per_faq_label, label
