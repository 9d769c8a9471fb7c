"""Lay out a learning path's roadmap as an SVG diagram: emblems top to bottom, options side by side.

Python does the geometry (positions, wrapped titles, connector paths) and `roadmap.svg.j2` draws it, as the
emblem renderer does, so every text goes through Jinja2's autoescape. The flow runs top to bottom because a
phone is narrow and tall: a path of any length stays readable, and only `one_of` steps get wider.

Connectors: every option of a step joins a horizontal bus that feeds every option of the next step; the line
to the certification the path leads to is dashed, because the framework keeps certification independent of
any educational event (the path prepares for it, it is never required).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from cc_cli.catalog.roadmap import Roadmap, Stop
from cc_cli.catalog.texts import kind_label
from cc_cli.site.views import Site

NODE_W = 164  # one credential's column: two options side by side still fit a phone at 90 %
GAP = 30  # between options, room for "or"
MARGIN = 16
EMBLEM = 96
ROW_GAP = 72  # between rows, room for the bus and its label
TITLE_LINE = 18
META_LINE = 16
TITLE_CHARS = 21  # bold 15 px in 164 px (about 7.6 px a character); approximate: no font metrics at build time
TITLE_LINES = 3
MIN_WIDTH = 360


@dataclass(frozen=True, slots=True)
class Node:
    x: float  # centre
    y: float  # top of the emblem
    id: str
    href: str | None
    emblem: str
    title: tuple[str, ...]
    meta: tuple[str, ...]
    kind: str
    step: int | None  # the step number badge; None for the goal
    full_title: str


@dataclass(frozen=True, slots=True)
class Connector:
    d: str  # SVG path data
    dashed: bool
    arrow: bool = False  # arrowhead at the end (only the lines that arrive at a node)


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    pill: bool  # drawn on a white pill over a connector


@dataclass(slots=True)
class Diagram:
    width: float
    height: float
    nodes: list[Node] = field(default_factory=list)
    connectors: list[Connector] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    description: str = ""


def wrap_title(title: str) -> tuple[str, ...]:
    """At most three lines; a longer title ends with an ellipsis (the full title is in the tooltip and list)."""
    lines = textwrap.wrap(title, TITLE_CHARS, break_long_words=True) or [""]
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        lines[-1] = lines[-1][: TITLE_CHARS - 1].rstrip() + "…"
    return tuple(lines)


def _meta(stop: Stop, site: Site) -> tuple[str, ...]:
    words = site.words
    credential = site.catalog.credentials.get(stop.id)
    if not stop.known or credential is None:
        return (words("path.not_in_catalog"),)
    label = kind_label(words, credential)
    first, _, grade = label.partition(" · ")
    second = " · ".join(part for part in (grade, site.duration(stop.time_to_earn)) if part)
    return (first or words("path.credential"), second) if second else (first or words("path.credential"),)


def node_height(node: Node) -> float:
    return EMBLEM + 12 + len(node.title) * TITLE_LINE + 6 + len(node.meta) * META_LINE


def layout(drawn: Roadmap, site: Site, root: str = "../") -> Diagram:
    """The diagram of one roadmap; `root` is the relative prefix from the page to the site's top."""
    rows: list[tuple[list[Stop], int | None, bool]] = [
        (list(step.options), step.number, step.one_of) for step in drawn.steps
    ]
    if drawn.goal:
        rows.append(([drawn.goal], None, False))
    widest = max([len(stops) for stops, _, _ in rows] + [1])
    width = max(MIN_WIDTH, 2 * MARGIN + widest * NODE_W + (widest - 1) * GAP)
    diagram = Diagram(width=width, height=0)
    top = float(MARGIN + 8)
    previous: list[Node] = []
    previous_bottom = 0.0
    for stops, number, one_of in rows:
        span = len(stops) * NODE_W + (len(stops) - 1) * GAP
        left = (width - span) / 2
        nodes = [
            Node(
                x=left + index * (NODE_W + GAP) + NODE_W / 2,
                y=top,
                id=item.id,
                href=site.credential_href(item.id, root) if item.known else None,
                emblem=site.emblem_src(item.id, root),
                title=wrap_title(item.title),
                meta=_meta(item, site),
                kind=item.kind,
                step=number,
                full_title=item.title,
            )
            for index, item in enumerate(stops)
        ]
        if previous:
            _connect(diagram, previous, previous_bottom, nodes, top, goal=number is None, one_of=one_of, site=site)
        for index in range(1, len(nodes)):
            between = (nodes[index - 1].x + nodes[index].x) / 2
            diagram.labels.append(Label(between, top + EMBLEM / 2 + 5, site.words("path.or"), pill=False))
        diagram.nodes.extend(nodes)
        bottom = top + max(node_height(node) for node in nodes)
        previous, previous_bottom = nodes, bottom
        top = bottom + ROW_GAP
    diagram.height = previous_bottom + MARGIN
    diagram.description = describe_roadmap(drawn, site)
    return diagram


def _connect(
    diagram: Diagram,
    above: list[Node],
    bottom: float,
    below: list[Node],
    top: float,
    *,
    goal: bool,
    one_of: bool,
    site: Site,
) -> None:
    """Lines from every node above to a bus, and from the bus to every node below (arrowheads at the end)."""
    start, end = bottom + 6, top - 8
    bus = (start + end) / 2
    xs = [node.x for node in [*above, *below]]
    parts = [f"M{node.x:g},{start:g}V{bus:g}" for node in above]
    if min(xs) != max(xs):
        parts.append(f"M{min(xs):g},{bus:g}H{max(xs):g}")
    diagram.connectors.append(Connector("".join(parts), dashed=goal))
    for node in below:  # separate paths, so each gets its own arrowhead marker
        diagram.connectors.append(Connector(f"M{node.x:g},{bus:g}V{end:g}", dashed=goal, arrow=True))
    if goal or one_of:
        centre = (min(xs) + max(xs)) / 2
        text = site.words("path.prepares_for_label" if goal else "path.choose_one_label")
        diagram.labels.append(Label(centre, bus, text, pill=True))


def describe_roadmap(drawn: Roadmap, site: Site) -> str:
    """The whole diagram in one sentence sequence, for screen readers (the SVG is role="img")."""
    words = site.words
    parts = []
    for step in drawn.steps:
        titles = f" {words('path.or')} ".join(stop.title for stop in step.options)
        key = "path.describe_one_of" if step.one_of else "path.describe_step"
        parts.append(words(key, number=step.number, titles=titles))
    if drawn.goal:
        parts.append(words("path.describe_goal", title=drawn.goal.title))
    return " ".join(parts)
