"""The staff report over SQLite and PostgreSQL stores, read-only, retention-aware."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from known_store import BASE, MY_NUMBER, PIN, SECRET_DATES, Store

from bot.insights.__main__ import main
from bot.insights.report import Report, build_report, parse_since, to_csv
from bot.insights.store import read_only
from bot.retention import delete_older_than


def report_of(store: Store, days: int = 30) -> Report:
    end = BASE + timedelta(hours=1)
    return build_report(read_only(store.url), end - timedelta(days=days), end)


def check_known_counts(report: Report) -> None:
    today, yesterday = BASE.date(), BASE.date() - timedelta(days=1)
    rows = {(r.day, r.channel): r for r in report.rows}
    assert set(rows) == {(today, "rest"), (today, "line"), (yesterday, "rest")}
    rest = rows[(today, "rest")]
    # alice 2 questions + bob 2 + carol 3 (feedback clicks are not messages).
    assert (rest.conversations, rest.messages) == (3, 7)
    assert (rest.out_of_scope, rest.fallback, rest.dates_results) == (1, 1, 1)
    assert (rest.useful, rest.not_useful) == (1, 1)
    assert rest.faq == {"faq/what_to_bring": 1, "faq/where": 1}
    line = rows[(today, "line")]
    assert (line.conversations, line.messages, line.fallback, line.not_useful) == (
        1,
        2,
        1,
        1,
    )
    assert line.faq == {"faq/pin": 1}
    assert rows[(yesterday, "rest")].fallback == 2
    # The conversation of 40 days ago is outside the period.
    assert report.conversations == 5
    assert report.faq_totals["faq/what_to_bring"] == 1
    texts = [text for text, _ in report.top_fallback]
    assert (
        "〇〇年〇月〇日生まれで更新できますか" in texts
    )  # two dates, one masked question
    assert dict(report.top_fallback)["〇〇年〇月〇日生まれで更新できますか"] == 2
    everything = repr(report) + to_csv(report)
    for secret in (MY_NUMBER, PIN, *SECRET_DATES, "alice", "bob"):
        assert secret not in everything


def test_sqlite_report_counts(sqlite_store: Store) -> None:
    check_known_counts(report_of(sqlite_store))


def test_postgresql_report_counts(postgres_store: Store) -> None:
    check_known_counts(report_of(postgres_store))


def test_report_is_read_only(sqlite_store: Store) -> None:
    with pytest.raises(sa.exc.OperationalError, match="readonly"):
        with read_only(sqlite_store.url).begin() as c:
            c.execute(sa.text("DELETE FROM events"))


def test_postgresql_reader_cannot_write(postgres_store: Store) -> None:
    with pytest.raises(sa.exc.InternalError, match="read-only"):
        with read_only(postgres_store.url).begin() as c:
            c.execute(sa.text("DELETE FROM events"))


def test_what_retention_deleted_is_gone(sqlite_store: Store) -> None:
    assert report_of(sqlite_store, days=60).faq_totals["faq/what_to_bring"] == 2
    delete_older_than(sqlite_store.engine, 30)
    assert report_of(sqlite_store, days=60).faq_totals["faq/what_to_bring"] == 1


def test_empty_store_has_an_empty_report(tmp_path: Path) -> None:
    sa.create_engine(f"sqlite:///{tmp_path}/empty.db").connect().close()
    report = build_report(read_only(f"sqlite:///{tmp_path}/empty.db"), BASE, None)
    assert (report.rows, report.conversations) == ([], 0)


def test_since_forms() -> None:
    assert parse_since("30d", BASE) == BASE - timedelta(days=30)
    assert parse_since("2w", BASE) == BASE - timedelta(days=14)
    assert parse_since("2026-11-01", BASE).day == 1
    with pytest.raises(ValueError, match="30d"):
        parse_since("last month", BASE)


def endpoints_for(tmp_path: Path, store: Store) -> Path:
    db = store.url.removeprefix("sqlite:///")
    path = tmp_path / "endpoints.yml"
    path.write_text(f"tracker_store:\n  type: sql\n  dialect: sqlite\n  db: {db}\n")
    return path


def test_cli_table_and_csv(
    sqlite_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoints = str(endpoints_for(tmp_path, sqlite_store))
    assert main(["--since", "30d", "--endpoints", endpoints]) == 0
    table = capsys.readouterr().out
    assert "5 conversations" in table and "faq/what_to_bring" in table
    assert "〇〇年〇月〇日生まれで更新できますか" in table
    assert main(["--since", "30d", "--csv", "--endpoints", endpoints]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    line = next(r for r in rows if r["channel"] == "line")
    assert (line["faq/pin"], line["fallback"], line["feedback_not_useful"]) == (
        "1",
        "1",
        "1",
    )
    out = table + str(rows)
    assert MY_NUMBER not in out and PIN not in out


def test_cli_rejects_a_bad_period(
    sqlite_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(
            [
                "--since",
                "yesterday",
                "--endpoints",
                str(endpoints_for(tmp_path, sqlite_store)),
            ]
        )
    assert "--since must be like 30d" in capsys.readouterr().err
