"""Detection and masking of My Numbers and PIN-like input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.jp import in_

from bot.privacy import SecretKind, find_secrets, redact

VALID = "12345678901" + in_.calc_check_digit("12345678901")
WRONG_CHECK = VALID[:-1] + str((int(VALID[-1]) + 1) % 10)
FULL_WIDTH = VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (f"私のマイナンバーは{VALID}です", [SecretKind.MY_NUMBER]),
        (f"{VALID[:4]} {VALID[4:8]} {VALID[8:]}", [SecretKind.MY_NUMBER]),
        (f"{VALID[:4]}-{VALID[4:8]}-{VALID[8:]}", [SecretKind.MY_NUMBER]),
        (FULL_WIDTH, [SecretKind.MY_NUMBER]),
        (WRONG_CHECK, []),
        (VALID + "9", []),
        ("暗証番号は1234です", [SecretKind.PIN]),
        ("１２３４が暗証番号です", [SecretKind.PIN]),
        ("パスワードはabc123xyz", [SecretKind.PIN]),
        ("暗証番号は4桁ですか", []),
        ("2024年に設定した暗証番号を忘れた", []),
        ("署名用は6～16文字の英数字ですか", []),
        ("電話は0826-42-5616", []),
        ("昭和60年4月3日生まれ", []),
    ],
    ids=[
        "my-number",
        "grouped-spaces",
        "grouped-hyphens",
        "full-width",
        "wrong-check-digit",
        "thirteen-digits",
        "pin-after-cue",
        "pin-before-cue-full-width",
        "alphanumeric-password",
        "pin-length-question",
        "year-not-pin",
        "format-question",
        "phone-number",
        "date",
    ],
)
def test_find_secrets(text: str, kinds: list[SecretKind]) -> None:
    assert [s.kind for s in find_secrets(text)] == kinds


def test_redact_keeps_length_and_hides_digits() -> None:
    text = f"番号は{VALID}、暗証番号は1234です"
    masked = redact(text)
    assert len(masked) == len(text)
    assert VALID not in masked and "1234" not in masked
    assert masked.startswith("番号は＊") and masked.endswith("です")


@given(st.text(max_size=300))
def test_redact_never_fails_and_keeps_length(text: str) -> None:
    masked = redact(text)
    assert len(masked) == len(text)
    assert find_secrets(masked) == []
