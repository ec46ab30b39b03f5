"""The last twelve months' income and spending as an inline SVG bar chart, drawn at build time.

No JavaScript and no CDN: the chart prints, works offline and costs a few KB. It is an image with
a <title> and <desc> for screen readers; the page shows the same numbers as a table beside it.
Every piece of text is escaped, although only numbers and month labels reach it.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from markupsafe import Markup

from generator.site.facts import Month

WIDTH, HEIGHT = 480, 280
# A small viewBox: its 16-unit text stays legible on a phone. Under the bars: the month (or
# quarter), and below it the year at the first slot and wherever the year changes.
LEFT, RIGHT, TOP, BOTTOM = 52, 6, 28, 48
YEAR_WIDTH = 60  # "2025年" in 16-unit text
INCOME_COLOUR, EXPENSE_COLOUR = "#2e7d32", "#8c2f1b"
_STEPS = (1, 2, 2.5, 5)


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1/2/2.5/5 × 10^n at or above value (the top of the y axis)."""
    if value <= 0:
        return Decimal(1000)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in _STEPS + (10,):
        top = Decimal(str(step)) * magnitude
        if top >= value:
            return top
    return 10 * magnitude  # pragma: no cover - the loop always returns


def axis_label(value: Decimal) -> str:
    """Short axis labels residents read: 5000, 1.5万, 20万."""
    if value >= 10000:
        wan = (value / 10000).normalize()
        return f"{wan:f}万"
    return f"{int(value)}"


def bar_chart(months: list[Month], chart_id: str, title: str) -> Markup:
    """An SVG of paired income/spending bars, one pair per month; empty months stay empty."""
    values = [v for m in months for v in (m.income, m.expense) if v is not None]
    top = nice_ceiling(max(values, default=Decimal(0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(months), 1)
    bar = slot * 0.36
    axis = "季度" if months and months[0].frequency == "quarterly" else "月份"

    def y(value: Decimal) -> float:
        return TOP + plot_h - float(value / top) * plot_h

    parts = [
        f'<svg class="juwu-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(_description(months))}</desc>',
    ]
    for i in range(5):
        tick = top * i / 4
        ty = y(tick)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" class="juwu-chart__grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">{escape(axis_label(tick))}</text>')
    for i, m in enumerate(months):
        x = LEFT + i * slot + slot * 0.14
        for value, colour, dx in ((m.income, INCOME_COLOUR, 0), (m.expense, EXPENSE_COLOUR, bar)):
            if value is not None and value > 0:
                by = y(value)
                parts.append(f'<rect x="{x + dx:.1f}" y="{by:.1f}" width="{bar:.1f}" '
                             f'height="{TOP + plot_h - by:.1f}" fill="{colour}"/>')
        parts.append(f'<text x="{LEFT + (i + 0.5) * slot:.1f}" y="{HEIGHT - 28}" text-anchor="middle">'
                     f'{escape(m.short)}</text>')
        if m.show_year:
            # From the slot's left edge, or ending at the chart's right edge when no room is left there.
            room = WIDTH - RIGHT - (LEFT + i * slot) >= YEAR_WIDTH
            x, anchor = (LEFT + i * slot + 2, "start") if room else (WIDTH - RIGHT, "end")
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}" '
                         f'class="juwu-chart__year">{m.year}年</text>')
            if i:
                parts.append(f'<line x1="{LEFT + i * slot:.1f}" x2="{LEFT + i * slot:.1f}" y1="{TOP}" '
                             f'y2="{HEIGHT - 4}" class="juwu-chart__grid"/>')
    parts.append(f'<rect x="{LEFT}" y="6" width="12" height="12" fill="{INCOME_COLOUR}"/>'
                 f'<text x="{LEFT + 16}" y="16">收入</text>'
                 f'<rect x="{LEFT + 64}" y="6" width="12" height="12" fill="{EXPENSE_COLOUR}"/>'
                 f'<text x="{LEFT + 80}" y="16">支出</text>'
                 f'<text x="{WIDTH - RIGHT}" y="16" text-anchor="end">单位：元；横轴：{axis}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _description(months: list[Month]) -> str:
    shown = [m for m in months if m.income is not None]
    if not shown:
        return "暂无数据"
    return "；".join(f"{m.label}收入{m.income}元、支出{m.expense}元" for m in shown)
