"""Charts drawn on the server as SVG: no script, no inline style (the CSP forbids both).

Colours and sizes come from classes in static/css/app.css; geometry uses SVG
presentation attributes (x, y, width, height), which the CSP allows. Every chart
is an image with a title; the page puts the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 210
CHART_WIDTH = 640


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def progress_bar(progress: float | None, label: str) -> Markup:
    """A bar filled to `progress` (0..1) of the target."""
    if progress is None:
        return Markup("")
    progress = max(0.0, min(1.0, progress))
    width = round(progress * 100, 1)
    state = "done" if progress >= 1 else "part"
    return Markup(
        '<svg class="progress" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" '
        'aria-label="{label}">'
        '<rect class="progress-track" x="0" y="0" width="100" height="6" rx="3"/>'
        '<rect class="progress-fill progress-{state}" x="0" y="0" width="{width}" height="6" rx="3"/></svg>'
    ).format(label=label, state=state, width=width)


def bar_chart(items: Sequence[tuple[str, float | None]], title: str, *, suffix: str = "") -> Markup:
    """Horizontal bars, one per (label, value); None values are drawn as an empty row."""
    values = [v for _label, v in items if v is not None]
    top = max(values, default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 70
    height = len(items) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [
        Markup(
            '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            'aria-label="{title}"><title>{title}</title>'
        ).format(w=CHART_WIDTH, h=height, title=title)
    ]
    for index, (label, value) in enumerate(items):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = 0 if value is None else round(max(value, 0) / top * room, 1)
        text = "—" if value is None else f"{_fmt(value)}{suffix}"
        parts.append(
            Markup(
                '<text class="chart-label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect class="chart-bar" x="{x}" y="{y}" width="{width}" height="{bh}" rx="3"/>'
                '<text class="chart-value" x="{vx}" y="{ty}">{text}</text>'
            ).format(
                lx=LABEL_WIDTH - 8,
                ty=y + BAR_HEIGHT - 6,
                label=_clip(label),
                x=LABEL_WIDTH,
                y=y,
                width=width,
                bh=BAR_HEIGHT,
                vx=LABEL_WIDTH + width + 6,
                text=text,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def line_chart(points: Sequence[tuple[str, float | None]], title: str, *, suffix: str = "") -> Markup:
    """Values over periods, left to right; gaps where a period has no value."""
    width, height, left, bottom, top_pad = CHART_WIDTH, 250, 56, 36, 28
    values = [v for _p, v in points if v is not None]
    top = max(values, default=0) or 1
    plot_w, plot_h = width - left - 20, height - bottom - top_pad
    step = plot_w / max(len(points) - 1, 1)
    parts = [
        Markup(
            '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            'aria-label="{title}"><title>{title}</title>'
        ).format(w=width, h=height, title=title),
        Markup(
            '<line class="chart-axis" x1="{x}" y1="{y0}" x2="{x}" y2="{y1}"/>'
            '<line class="chart-axis" x1="{x}" y1="{y1}" x2="{x2}" y2="{y1}"/>'
            '<text class="chart-label" x="{lx}" y="{ty}" text-anchor="end">{top}</text>'
            '<text class="chart-label" x="{lx}" y="{y1}" text-anchor="end">0</text>'
        ).format(
            x=left,
            y0=top_pad,
            y1=top_pad + plot_h,
            x2=left + plot_w,
            lx=left - 6,
            ty=top_pad + 4,
            top=f"{_fmt(top)}{suffix}",
        ),
    ]
    coords = []
    every = max(1, -(-len(points) // 12))
    for index, (period, value) in enumerate(points):
        x = round(left + (index * step if len(points) > 1 else plot_w / 2), 1)
        if index % every == 0 or index == len(points) - 1:  # at most about a dozen period labels
            parts.append(
                Markup('<text class="chart-label" x="{x}" y="{y}" text-anchor="middle">{p}</text>').format(
                    x=x, y=height - 12, p=period
                )
            )
        if value is None:
            coords.append(None)
            continue
        y = round(top_pad + plot_h - max(value, 0) / top * plot_h, 1)
        coords.append((x, y))
        parts.append(
            Markup(
                '<circle class="chart-point" cx="{x}" cy="{y}" r="4"/>'
                '<text class="chart-value" x="{x}" y="{ty}" text-anchor="middle">{v}</text>'
            ).format(x=x, y=y, ty=y - 8, v=f"{_fmt(value)}{suffix}")
        )
    segment: list[str] = []
    for point in [*coords, None]:
        if point is None:
            if len(segment) > 1:
                parts.append(
                    Markup('<polyline class="chart-line" points="{p}"/>').format(p=" ".join(segment))
                )
            segment = []
        else:
            segment.append(f"{point[0]},{point[1]}")
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def progress_items(figures) -> list[tuple[str, float | None]]:
    """(label, % of target) of figures that have a target, capped at 100."""
    return [(str(f.label), round(f.progress * 100, 1)) for f in figures if f.progress is not None]


def items(rows, label_key: str, value_key: str) -> list[tuple[str, float | None]]:
    return [(str(row[label_key]), row[value_key]) for row in rows]


def series(periods, values: dict) -> list[tuple[str, float | None]]:
    return [(p, values.get(p)) for p in periods]


def _clip(label: str, limit: int = 14) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


__all__ = ["bar_chart", "items", "line_chart", "progress_bar", "progress_items", "series"]


def attribute_items(rows, value: str, label: str = "label") -> list[tuple[str, float | None]]:
    """(label, value) of objects rather than dicts (e.g. the alignment figures' lines)."""
    return [(str(getattr(row, label)), getattr(row, value)) for row in rows]
