"""What the side panel shows, as plain values: no Textual, no I/O.

:func:`panel_look` is worked out in the worker thread along with the tree's
layout; the panel on the UI thread only compares it with what it shows and
redraws what differs (a plan of 2,500 phases made this ~15 ms of the UI
thread's time per reload).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import DEFAULT, Settings
from ..model import Checkpoint, Plan
from ..progress import PhaseState, Summary
from .tree_model import one_line

WARNINGS_SHOWN = 3  # the side panel lists this many; w lists them all
OVERVIEW_CHARS = 160  # a longer overview is cropped (at a word) to this many characters


@dataclass(frozen=True)
class PanelLook:
    plan: Plan  # what it was worked out from
    summary: Summary
    titles: tuple[str, ...]  # per phase, on one line
    phases: tuple[tuple[PhaseState, tuple[str, ...]], ...]  # per phase: its state, the titles of the phases it waits for
    checkpoints: tuple[tuple[str, str, str, int, int], ...]  # id ("" if none), title, status, done, total
    fields: tuple[tuple[str, str, str | None, bool, bool], ...]  # key, value, computed value, drift, writable
    #   (False: a hand-written breakdown plantui leaves as written): the fields with a computed value
    warnings: tuple[tuple[int | None, str], ...] = ()  # the first WARNINGS_SHOWN: line, message on one line
    warning_count: int = 0
    markers: str = ""  # the marker dialect in force, when not plain Markdown's ("kiro ([~] queued, …)")
    overview: str = ""  # what the plan says it is about (a Cursor plan's ``overview``), on one line, cropped


def panel_look(plan: Plan, summary: Summary, settings: Settings | None = None) -> PanelLook:
    titles = tuple(one_line(ph.title) for ph in plan.phases)
    phases = tuple((st, tuple(titles[b] for b in st.blocked_by)) for st in summary.phases)
    checkpoints = tuple((checkpoint_id(plan, cp), one_line(cp.title), st.status, st.counts.done, st.counts.total)
                        for cp, st in zip(plan.checkpoints, summary.checkpoints))
    fields = tuple((f.key, f.value, st.computed, st.drift, st.writable)
                   for f, st in zip(plan.fields, summary.fields) if st.computed is not None)
    warnings = tuple((w.line, one_line(w.message)) for w in summary.warnings[:WARNINGS_SHOWN])
    markers = settings.dialect if settings is not None and settings.dialect != DEFAULT.dialect else ""
    overview = next((crop(one_line(f.value), OVERVIEW_CHARS) for f in plan.fields if f.name == "overview"), "")
    return PanelLook(plan, summary, titles, phases, checkpoints, fields, warnings, len(summary.warnings), markers,
                     overview)


def crop(text: str, most: int) -> str:
    """``text`` cut to at most ``most`` characters, at a word where there is one, ending in "…"."""
    if len(text) <= most:
        return text
    cut = text[: most - 1]
    word = cut.rsplit(" ", 1)[0] if " " in cut[most // 2:] else cut
    return word.rstrip(" ,;:.") + "…"


def checkpoint_id(plan: Plan, cp: Checkpoint) -> str:
    """The id of a checkpoint that is one numbered box ("- [ ] 5. Checkpoint - …", as
    Kiro writes them: the same title, again and again), else ""."""
    if len(cp.items) == 1:
        it = plan.items[cp.items[0]]
        if it.line == cp.line and it.id:
            return it.id
    return ""
