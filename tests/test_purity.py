"""The rules engine and the date parser pull in no framework (STYLE.md section 1)."""

import subprocess
import sys

import pytest

FRAMEWORKS = (
    "rasa",
    "rasa_sdk",
    "fastapi",
    "starlette",
    "linebot",
    "sanic",
    "tensorflow",
    "ja_timex",
)


@pytest.mark.parametrize(
    "module", ["bot.certificate", "bot.certificate.explanation", "bot.dates"]
)
def test_module_imports_no_framework(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
