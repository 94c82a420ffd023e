"""Rules that changed over time, kept as data with the dates they took effect.

Each constant names its source in RULES.md. Lookups go through the small functions
below so that no caller compares against a hard-coded date of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AgeLine:
    """The age from which a card is issued for 10 birthdays instead of 5."""

    effective_from: date  # application received (申請受付日) on or after this day
    age: int
    source: str


# The card's age line followed the age of majority (民法 改正, in force 2022-04-01).
# RULES.md R7: L = 20 for applications received before 2022-04-01, 18 from then on.
# Applications were accepted from October 2015, the first cards issued in January 2016.
APPLICATIONS_ACCEPTED_FROM = date(2015, 10, 5)
CARD_SYSTEM_START = date(2016, 1, 1)

CARD_AGE_LINES: tuple[AgeLine, ...] = (
    AgeLine(APPLICATIONS_ACCEPTED_FROM, 20, "RULES.md R7 [S8][S10][S11]"),
    AgeLine(date(2022, 4, 1), 18, "RULES.md R7 [S8][S25]"),
)

# RULES.md R9: for an 18- or 19-year-old whose card was issued in roughly April-July
# 2022, the application may have been received before 2022-04-01 (age line 20) or
# after (age line 18); the card expiry is then uncertain.
AGE_LINE_TRANSITION_UNCERTAIN_UNTIL = date(2022, 7, 31)

# Face-authentication cards (no PINs, no signing certificate) exist from 2023-12-15.
# RULES.md R23 [S20][S21].
FACE_AUTH_CARD_START = date(2023, 12, 15)

# Health-insurance grace for an expired user certificate, for expiries on/after this
# day: usable for eligibility checks until the end of the 3rd month after the month of
# expiry. RULES.md R17 [S22][S23].
INSURANCE_GRACE_START = date(2024, 12, 2)
INSURANCE_GRACE_MONTHS = 3

# Validity lengths, counted in birthdays after issuance. RULES.md R1, R3, R7.
CERTIFICATE_BIRTHDAYS = 5
RENEWED_CERTIFICATE_BIRTHDAYS = 6
ADULT_CARD_BIRTHDAYS = 10
MINOR_CARD_BIRTHDAYS = 5

# Renewal opens when less than three months remain. RULES.md R11, R12.
RENEWAL_WINDOW_MONTHS = 3

# Signing certificates are in principle not issued under this age. RULES.md R18.
SIGNING_CERTIFICATE_MIN_AGE = 15

# Supported range of any date the engine reasons about. Outside it the input is a
# typo (or an attack) rather than a resident's card: the oldest living residents were
# born after 1900, and no card issued today is valid beyond about 2037.
EARLIEST_SUPPORTED_DATE = date(1900, 1, 1)
LATEST_SUPPORTED_DATE = date(2199, 12, 31)


def card_age_line(application_received_on: date) -> AgeLine:
    """Return the age line in force for an application received on the given day.

    Source: RULES.md R7.
    """
    if application_received_on < APPLICATIONS_ACCEPTED_FROM:
        raise ValueError(
            f"no My Number Card applications before {APPLICATIONS_ACCEPTED_FROM.isoformat()}"
        )
    return [
        line
        for line in CARD_AGE_LINES
        if line.effective_from <= application_received_on
    ][-1]
