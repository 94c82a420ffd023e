"""The staff report: per day and channel, what residents asked and how the bot did.

Counts only: no sender id, no date a resident typed, no message text except the
masked top questions that ended in the fallback.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.insights.mask import mask_text
from bot.insights.store import (
    DATES_RESULT_ACTION,
    FALLBACK_INTENT,
    FAQ_INTENT,
    FEEDBACK_NOT_USEFUL,
    FEEDBACK_USEFUL,
    MAX_QUEUE_MESSAGES,
    OUT_OF_SCOPE_INTENT,
    Dialect,
    fetch,
    has_events,
    has_report_columns,
)
from bot.privacy.report_columns import answer_key, channel_name

EPOCH = date(1970, 1, 1)
UNKNOWN_CHANNEL = "unknown"
TOP_QUESTIONS = 10


@dataclass
class DayRow:
    """One day on one channel."""

    day: date
    channel: str
    conversations: int = 0
    messages: int = 0
    out_of_scope: int = 0
    fallback: int = 0
    dates_results: int = 0
    useful: int = 0
    not_useful: int = 0
    faq: Counter[str] = field(default_factory=Counter)

    @property
    def out_of_scope_share(self) -> float:
        """Out-of-scope questions per message."""
        return self.out_of_scope / self.messages if self.messages else 0.0

    @property
    def fallback_share(self) -> float:
        """Messages the bot could not answer directly (it asked back) per message."""
        return self.fallback / self.messages if self.messages else 0.0


@dataclass(frozen=True)
class Report:
    """The report over ``[start, end)``."""

    start: datetime
    end: datetime
    rows: list[DayRow]
    conversations: int
    top_fallback: list[tuple[str, int]]

    @property
    def faq_names(self) -> list[str]:
        """Every ``faq/<name>`` asked in the period, most asked first."""
        return [name for name, _ in self.faq_totals.most_common()]

    @property
    def faq_totals(self) -> Counter[str]:
        """Questions per FAQ answer over the period."""
        total: Counter[str] = Counter()
        for row in self.rows:
            total.update(row.faq)
        return total

    def total(self, name: str) -> int:
        """The sum of one count over every row."""
        return sum(int(getattr(row, name)) for row in self.rows)

    def daily_messages(self) -> list[tuple[date, int]]:
        """Messages per day over every channel, with empty days as 0."""
        per_day: Counter[date] = Counter()
        for row in self.rows:
            per_day[row.day] += row.messages
        first, last = self.start.date(), (self.end - timedelta(seconds=1)).date()
        days = (last - first).days + 1
        return [
            (first + timedelta(d), per_day[first + timedelta(d)]) for d in range(days)
        ]


_SINCE = re.compile(r"^(\d{1,4})([dw])$")


def parse_since(text: str, now: datetime) -> datetime:
    """``30d``, ``4w`` or an ISO date (local midnight) -> the start of the period."""
    match = _SINCE.match(text.strip())
    if match:
        days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
        return now - timedelta(days=days)
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--since must be like 30d, 4w or 2026-11-01, got {text!r}"
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)


def _offset(zone: ZoneInfo, moment: datetime) -> int:
    delta = moment.astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta else 0


def build_report(
    engine: sa.engine.Engine,
    start: datetime,
    end: datetime | None = None,
    timezone: str = "Asia/Tokyo",
) -> Report:
    """Aggregate the store's events in ``[start, end)`` (end: now)."""
    zone = ZoneInfo(timezone)
    end = end or datetime.now(zone)
    params = {
        "start": start.timestamp(),
        "end": end.timestamp(),
        "offset": _offset(zone, end),
    }
    dialect = Dialect(engine)
    rows: dict[tuple[int, str], DayRow] = {}

    def row(day_number: int, channel: str | None) -> DayRow:
        key = (int(day_number), channel_name(channel) or UNKNOWN_CHANNEL)
        if key not in rows:
            rows[key] = DayRow(EPOCH + timedelta(days=key[0]), key[1])
        return rows[key]

    with engine.connect() as connection:
        if not has_events(connection):
            return Report(start, end, [], 0, [])
        for kind, day_number, channel, key, *counts in fetch(
            connection,
            _report_sql(dialect, has_report_columns(connection)),
            useful=FEEDBACK_USEFUL,
            not_useful=FEEDBACK_NOT_USEFUL,
            oos=OUT_OF_SCOPE_INTENT,
            fallback=FALLBACK_INTENT,
            faq=FAQ_INTENT,
            action=DATES_RESULT_ACTION,
            **params,
        ):
            target = row(day_number, channel)
            if kind == "faq":
                # Only names: a value read from the JSON may be a typed payload.
                target.faq[answer_key(key) or FAQ_INTENT] += int(counts[0])
            elif kind == "dates":
                target.dates_results += int(counts[0])
            else:
                (
                    target.conversations,
                    target.messages,
                    target.out_of_scope,
                    target.fallback,
                    target.useful,
                    target.not_useful,
                ) = (int(v or 0) for v in counts)

        window = "timestamp >= :start AND timestamp < :end"
        conversations = fetch(
            connection,
            f"SELECT COUNT(DISTINCT sender_id) FROM events "
            f"WHERE type_name = 'user' AND {window}",
            **params,
        )[0][0]

        top = Counter(
            mask_text(r[0] or "")
            for r in fetch(
                connection,
                f"""
                SELECT {dialect.json("text")} FROM events
                WHERE type_name = 'user' AND intent_name = :fallback AND {window}
                ORDER BY timestamp DESC LIMIT {MAX_QUEUE_MESSAGES}
                """,
                fallback=FALLBACK_INTENT,
                **params,
            )
        )
    return Report(
        start,
        end,
        sorted(rows.values(), key=lambda r: (r.day, r.channel)),
        int(conversations or 0),
        top.most_common(TOP_QUESTIONS),
    )


def _report_sql(dialect: Dialect, columns: bool = True) -> str:
    """One statement: per day and channel, the message counts, FAQ answers, results.

    The events of the period are read from the indexed columns only: a user
    message's channel and ``faq/<name>`` key are columns of their own (``columns``:
    the table has them; bot.privacy.report_columns). A conversation's channel is read
    once, from its first message (a sender id belongs to one channel), and a window
    function spreads it over the conversation's other rows. Where a column is NULL
    (rows stored before it existed and not migrated yet, or a table without it) a lazy
    ``COALESCE`` reads the value from that row's JSON instead.
    """
    window = "timestamp >= :start AND timestamp < :end"
    channel = dialect.json("input_channel", "e.data")
    faq_key = dialect.json("parse_data.intent.full_retrieval_intent_name", "e.data")
    stored = (
        "input_channel, retrieval_key"
        if columns
        else "NULL AS input_channel, NULL AS retrieval_key"
    )
    return f"""
    WITH r AS MATERIALIZED (
      SELECT id, sender_id, type_name, intent_name, {dialect.day()} AS day,
        input_channel, retrieval_key,
        MIN(CASE WHEN type_name = 'user' THEN id END)
          OVER (PARTITION BY sender_id) AS first_id
      FROM (
        SELECT id, sender_id, type_name, intent_name, timestamp,
          {stored} FROM events
        WHERE type_name = 'user' AND {window}
        UNION ALL
        SELECT id, sender_id, type_name, intent_name, timestamp,
          NULL, NULL FROM events
        WHERE action_name = :action AND type_name = 'action' AND {window}
      ) period
    ), t AS MATERIALIZED (
      SELECT id, sender_id, type_name, intent_name, day, retrieval_key,
        MAX(CASE WHEN id = first_id THEN COALESCE(input_channel,
              (SELECT {channel} FROM events e WHERE e.id = r.id)) END)
          OVER (PARTITION BY sender_id) AS channel
      FROM r
    )
    SELECT 'messages', day, channel, NULL,
      COUNT(DISTINCT sender_id),
      SUM(CASE WHEN intent_name IN (:useful, :not_useful) THEN 0 ELSE 1 END),
      SUM(CASE WHEN intent_name = :oos THEN 1 ELSE 0 END),
      SUM(CASE WHEN intent_name = :fallback THEN 1 ELSE 0 END),
      SUM(CASE WHEN intent_name = :useful THEN 1 ELSE 0 END),
      SUM(CASE WHEN intent_name = :not_useful THEN 1 ELSE 0 END)
    FROM t WHERE type_name = 'user'
    GROUP BY day, channel
    UNION ALL
    SELECT 'faq', day, channel, faq_key, COUNT(*), 0, 0, 0, 0, 0
    FROM (
      SELECT day, channel, COALESCE(retrieval_key,
        (SELECT {faq_key} FROM events e WHERE e.id = t.id)) AS faq_key
      FROM t WHERE type_name = 'user' AND intent_name = :faq
    ) faq
    GROUP BY day, channel, faq_key
    UNION ALL
    SELECT 'dates', day, channel, NULL, COUNT(*), 0, 0, 0, 0, 0
    FROM t WHERE type_name = 'action'
    GROUP BY day, channel
    """


# --- Output -----------------------------------------------------------------------

COLUMNS = (
    "day",
    "channel",
    "conversations",
    "messages",
    "out_of_scope",
    "out_of_scope_share",
    "fallback",
    "fallback_share",
    "dates_results",
    "feedback_useful",
    "feedback_not_useful",
)


def _values(row: DayRow) -> list[str]:
    return [
        row.day.isoformat(),
        row.channel,
        str(row.conversations),
        str(row.messages),
        str(row.out_of_scope),
        f"{row.out_of_scope_share:.3f}",
        str(row.fallback),
        f"{row.fallback_share:.3f}",
        str(row.dates_results),
        str(row.useful),
        str(row.not_useful),
    ]


def to_csv(report: Report) -> str:
    """One line per day and channel; one column per FAQ answer (``faq/<name>``)."""
    names = report.faq_names
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, *names])
    for row in report.rows:
        writer.writerow([*_values(row), *(str(row.faq[n]) for n in names)])
    return out.getvalue()


def _table(header: list[str], lines: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(line[i]) for line in lines)) if lines else len(h)
        for i, h in enumerate(header)
    ]
    rendered = [
        "  ".join(
            cell.rjust(w) if i > 1 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in [header, ["-" * w for w in widths], *lines]
    ]
    return "\n".join(rendered)


def to_table(report: Report) -> str:
    """A readable plain-text report."""
    header = [
        "day",
        "channel",
        "convs",
        "msgs",
        "oos",
        "oos%",
        "fallback",
        "fb%",
        "dates",
        "useful",
        "not useful",
    ]
    lines = []
    for row in report.rows:
        v = _values(row)
        v[5] = f"{row.out_of_scope_share:.1%}"
        v[7] = f"{row.fallback_share:.1%}"
        lines.append(v)
    period = f"{report.start:%Y-%m-%d %H:%M} – {report.end:%Y-%m-%d %H:%M}"
    parts = [
        f"Report {period}: {report.conversations} conversations, "
        f"{report.total('messages')} messages",
        "",
        _table(header, lines) if lines else "(no conversations in this period)",
        "",
        "Questions per FAQ answer:",
        _table(
            ["answer", "", "questions"],
            [[name, "", str(count)] for name, count in report.faq_totals.most_common()],
        ),
        "",
        f"Top questions that ended in the fallback (masked, latest {MAX_QUEUE_MESSAGES}):",
    ]
    parts += [f"  {count:5d}  {text}" for text, count in report.top_fallback] or [
        "  (none)"
    ]
    return "\n".join(parts)
