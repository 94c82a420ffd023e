"""NLU accuracy on the held-out set, which no training file shares.

The floors are the measured level (bench/RESULTS.md) less a small margin for the
run-to-run variation of training; a drop below them fails the run.
"""

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from eval_nlu import Report, evaluate, load_examples, unseen  # noqa: E402

# Two sets written independently of the training data: heldout.yml (used for error
# analysis while developing) and blind.yml (never used for tuning).
SETS = ["heldout.yml", "blind.yml"]
INTENT_FLOOR = 0.965
FAQ_FLOOR = 0.955


@pytest.fixture(scope="module", params=SETS)
def report(request: pytest.FixtureRequest, model_path: Path) -> Report:
    examples = unseen(load_examples(Path(__file__).with_name(request.param)))
    assert len(examples) > 250  # most of each set is phrasing the model never saw
    return asyncio.run(evaluate(str(model_path), examples))


def test_intent_accuracy(report: Report) -> None:
    assert report.intent_accuracy >= INTENT_FLOOR, report.errors


def test_faq_answer_accuracy(report: Report) -> None:
    assert report.faq_accuracy >= FAQ_FLOOR, [
        e for e in report.errors if e[1].startswith("faq/")
    ]


def test_every_faq_is_answerable(report: Report) -> None:
    faq_labels = [label for label in report.per_label if label.startswith("faq/")]
    assert len(faq_labels) == 17
    for label in faq_labels:
        counts = report.per_label[label]
        assert counts["correct"] / counts["total"] >= 0.8, label
