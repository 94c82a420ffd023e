"""Rasa's own checks: data validation and the conversation test stories."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA = [sys.executable, "-m", "rasa"]

# Responses that Rasa's validator calls unused because no story names them, though
# they are used: by forms (utter_ask_<slot>), by the fallback actions, or by custom
# actions (grep actions/ for each). Any other warning fails the test.
USED_OUTSIDE_STORIES = {
    "utter_ask_birth_date",  # expiry_form
    "utter_ask_issue_date",  # expiry_form
    "utter_ask_rephrase",  # action_two_stage_fallback
    "utter_default",  # action_default_fallback
    "utter_ask_affirmation",  # actions/fallback.py
    "utter_invalid_date",  # actions/expiry.py
    "utter_invalid_corrected_date",  # actions/expiry.py
    "utter_expiry_result",  # actions/expiry.py
    "utter_expiry_calendar",  # actions/expiry.py
}


# Intents only ever sent by buttons (their payload), so with no NLU examples.
PAYLOAD_ONLY_INTENTS = {"feedback_useful", "feedback_not_useful"}
PAYLOAD_ONLY_WARNING = re.compile(
    r"The intent '(\w+)' is listed in the domain file, but is not found in the NLU "
    r"training data\."
)

# Rasa 3.6 merges the retrieval intents it finds in the NLU data into the domain and
# reports each one that the domain also declares (as it must) as a duplicate.
RETRIEVAL_INTENT_DUPLICATE = re.compile(
    r"The following duplicated intents have been found across multiple domain files: "
    r"(faq, out_of_scope|out_of_scope, faq)"
)


def test_data_validates_without_warnings() -> None:
    result = subprocess.run(
        [*RASA, "data", "validate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = re.findall(r"UserWarning: (.*)", result.stdout + result.stderr)
    unused = {
        m for w in warnings for m in re.findall(r"The utterance '(\w+)' is not used", w)
    }
    others = [
        w
        for w in warnings
        if "is not used in any story or rule" not in w
        and not RETRIEVAL_INTENT_DUPLICATE.fullmatch(w.strip())
        and not (
            (m := PAYLOAD_ONLY_WARNING.fullmatch(w.strip()))
            and m.group(1) in PAYLOAD_ONLY_INTENTS
        )
    ]
    assert others == []
    assert unused == USED_OUTSIDE_STORIES


def test_allowlisted_responses_are_really_used() -> None:
    code = "\n".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))
    domain = (ROOT / "domain.yml").read_text()
    for name in USED_OUTSIDE_STORIES:
        assert name in domain
        if (
            name.startswith("utter_ask_")
            and name != "utter_ask_affirmation"
            and name != "utter_ask_rephrase"
        ):
            assert (
                f"- {name.removeprefix('utter_ask_')}" in domain
            )  # a form's required slot
        elif name not in ("utter_ask_rephrase", "utter_default"):
            assert f'"{name}"' in code


@pytest.mark.slow
def test_conversation_stories(model_path: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            *RASA,
            "test",
            "core",
            "--model",
            str(model_path),
            "--stories",
            "tests/conversations",
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (
        result.stdout[-3000:] + result.stderr[-3000:] + details
    )
