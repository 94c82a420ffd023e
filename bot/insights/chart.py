"""The daily volume chart as server-rendered SVG (no script, no CDN)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 36
BAR = "#1d4f91"  # the widget's colour; 8.6:1 on white
AXIS = "#333333"


def _nice_max(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value``."""
    for power in range(0, 10):
        for step in (1, 2, 5):
            top = int(step * 10**power)
            if top >= value:
                return top
    return value


def volume_svg(
    days: Sequence[tuple[date, int]], title: str = "1日あたりのメッセージ数"
) -> str:
    """A bar chart of messages per day, with an accessible title and summary."""
    top = _nice_max(max((count for _, count in days), default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    total = sum(count for _, count in days)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title chart-desc" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{len(days)}日間の合計 {total} 件、最大 '
        f"{max((c for _, c in days), default=0)} 件/日</desc>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_h}" stroke="{AXIS}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{AXIS}"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{AXIS}">{round(top * fraction)}</text>'
        )
    label_every = max(1, len(days) // 8)
    for i, (day, count) in enumerate(days):
        height = plot_h * count / top
        x = LEFT + i * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height:.1f}" fill="{BAR}"><title>{day:%m/%d}: {count}件</title></rect>'
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle" font-size="11" fill="{AXIS}">{day:%m/%d}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
