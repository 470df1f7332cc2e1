"""A plan's state for scripts (JSON, schema 1) and for people (plain text)."""

from __future__ import annotations

import json
import os
from json.encoder import encode_basestring as encode_string  # (json.dumps's own, with ensure_ascii=False)
from pathlib import Path

from .execplan import parts
from .config import DEFAULT, Settings
from .fields import is_placeholder
from .model import Kind, Plan, State
from .progress import Counts, Summary
from .lines import printable
from .tools import describe

SCHEMA = 1


def _counts(c: Counts) -> dict:
    return {
        "total": c.total,
        "done": c.done,
        "in_progress": c.in_progress,
        "skipped": c.skipped,
        "other": c.other,
        "open": c.open,
        "percent": c.percent,
    }


def markers_json(settings: Settings) -> dict:
    """The marker dialect in force: its preset, what each marker means, the config file that changed them."""
    return {
        "preset": settings.preset,
        "meaning": {m: ("tag" if state is None else state.value) for m, state in settings.markers.items()},
        "config": settings.source,
    }


def decodable(text: str) -> bool:
    """Whether ``text`` holds no undecodable byte (which decoding with surrogateescape makes a lone
    surrogate), so that :func:`printable` changes none of it.  (Encoding is ~8× faster than a search.)"""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _same(text: str) -> str:
    return text


_STATE = {s: s.value for s in State}  # (an enum's .value is a slow lookup, once per item)
_KIND = {k: k.value for k in Kind}


def plan_json(path: str, plan: Plan, summary: Summary, settings: Settings | None = None, *,
              clean: bool = False, items: bool = True) -> dict:
    """A plan's JSON (schema 1), every text printable; ``clean``: the caller knows that no text of the
    plan holds an undecodable byte (a Markdown plan whose text is :func:`decodable`), so none is converted;
    ``items=False``: ``"items"`` is None, for :func:`compact_text` to write from the plan."""
    p = _same if clean else printable
    phase_title = {ph.index: p(ph.title) for ph in plan.phases}
    nxt = plan.items[summary.next_task] if summary.next_task is not None else None
    place = describe(path)
    return {
        "path": path,
        "source": plan.source,
        "tool": place.tool,  # who keeps it, from where it lies (plantui.tools); "source" is who read it
        "feature": place.feature,
        "archived": place.archived,
        **({} if settings is None else {"markers": markers_json(settings)}),
        "title": p(plan.title),
        "status": summary.status,
        "tasks": _counts(summary.tasks),
        "checks": _counts(summary.checks),
        "next_task": None if nxt is None else {"line": nxt.line, "id": nxt.id, "text": p(nxt.text)},
        "phases": [
            {
                "title": p(ph.title),
                "line": ph.line,
                "number": ph.number,
                "total": st.counts.total,
                "done": st.counts.done,
                "in_progress": st.counts.in_progress,
                "percent": st.counts.percent,
                "status": st.status,
                "depends_on": [phase_title[d] for d in ph.dependencies],
                "blocked_by": [phase_title[d] for d in st.blocked_by],
                "parent": phase_title.get(ph.parent) if ph.parent is not None else None,
            }
            for ph, st in zip(plan.phases, summary.phases)
        ],
        "checkpoints": [
            {
                "title": p(cp.title),
                "line": cp.line,
                "status": st.status,
                "total": st.counts.total,
                "done": st.counts.done,
                "after": [phase_title[a] for a in cp.after],
            }
            for cp, st in zip(plan.checkpoints, summary.checkpoints)
        ],
        "fields": [
            {
                "name": f.name,
                "key": p(f.key),
                "line": f.line,
                "value": p(f.value),
                "computed": None if st.computed is None else p(st.computed),
                "drift": st.drift,
                "rewritten": st.computed is not None and st.writable,  # False: said, never written (a breakdown)
                "phase": phase_title.get(f.phase) if f.phase is not None else None,
            }
            for f, st in zip(plan.fields, summary.fields)
        ],
        "items": _items(plan, phase_title, clean) if items else None,
        "status_rows": [
            {"line": r.line, "label": p(r.label), "status": p(r.status), "state": r.state.value} for r in plan.status_rows
        ],
        "task_graph": [{"before": e.before, "after": e.after, "line": e.line} for e in plan.graph],
        "warnings": [{"line": w.line, "message": p(w.message)} for w in summary.warnings],
        "parts": _parts(path, plan, summary),
    }


def _items(plan: Plan, phase_title: dict[int, str], clean: bool) -> list[dict]:
    """Each item's JSON (the bulk of a big plan's: its texts through :func:`printable` unless ``clean``)."""
    p = printable
    items = plan.items
    title = phase_title.get
    done = State.DONE
    return [
        {
            "line": it.line,
            "marker": it.marker if clean else p(it.marker),
            "state": _STATE[it.state],
            "done": it.state is done,
            "kind": _KIND[it.kind],
            "source": "box" if it.spelling is None else it.spelling.name,
            "id": it.id,
            "text": it.text if clean else p(it.text),
            "depth": it.depth,
            "phase": title(it.phase) if it.phase is not None else None,
            "parent_line": items[it.parent].line if it.parent is not None else None,
            "tags": list(it.tags) if clean else [p(t) for t in it.tags],
            "optional": it.optional,
        }
        for it in items
    ]


_ITEM = (',{"line":%d,"marker":%s,"state":%s,"done":%s,"kind":%s,"source":%s,"id":%s,"text":%s,"depth":%d,'
         '"phase":%s,"parent_line":%s,"tags":[%s],"optional":%s}')  # (the keys of _items, in its order)


def items_text(plan: Plan, clean: bool = False) -> str:
    """The JSON text of :func:`plan_json`'s ``"items"``, compact, as :func:`compact_text` writes it."""
    return "[" + "".join(_item_texts(plan, clean)) + "]"


def _item_texts(plan: Plan, clean: bool) -> list[str]:
    """Each item's JSON text, compact, all but the first after a comma: for a clean plan made without
    a dict per item (the bulk of a big plan's JSON, twice as fast)."""
    if not clean:
        phase_title = {ph.index: printable(ph.title) for ph in plan.phases}
        out = ["," + _dumps(d) for d in _items(plan, phase_title, False)]
    else:
        q = encode_string
        items = plan.items
        title = {ph.index: q(ph.title) for ph in plan.phases}.get
        state = {s: q(v) for s, v in _STATE.items()}
        kind = {k: q(v) for k, v in _KIND.items()}
        done = State.DONE
        out = [
            _ITEM % (it.line, q(it.marker), state[it.state], "true" if it.state is done else "false", kind[it.kind],
                     '"box"' if it.spelling is None else q(it.spelling.name), "null" if it.id is None else q(it.id),
                     q(it.text), it.depth, "null" if it.phase is None else title(it.phase, "null"),
                     "null" if it.parent is None else items[it.parent].line, ",".join(map(q, it.tags)),
                     "true" if it.optional else "false")
            for it in items
        ]
    if out:
        out[0] = out[0][1:]
    return out


def _dumps(value) -> str:
    """JSON text, compact: what ``plantui status --json`` writes to a pipe."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def compact_text(plans: list[dict], clean: list[bool], objects: list[Plan]) -> str:
    """``json.dumps(document(plans))``, compact (:func:`_dumps`), where each plan's ``"items"`` (None in
    ``plans``: ``plan_json(items=False)``) is written from its :class:`Plan` in ``objects`` (clean or not,
    as :func:`plan_json` was told): one join of small pieces, no copy of a big plan's text on the way."""
    out = ['{"schema":%d,"plans":[' % SCHEMA]
    for n, (doc, c, plan) in enumerate(zip(plans, clean, objects)):
        out.append("{" if not n else ",{")
        for k, (key, value) in enumerate(doc.items()):
            out.append(("," if k else "") + _dumps(key) + ":")
            if key == "items":
                out.append("[")
                out.extend(_item_texts(plan, c))
                out.append("]")
            else:
                out.append(_dumps(value))
        out.append("}")
    out.append("]}")
    return "".join(out)


def _parts(path: str, plan: Plan, summary: Summary) -> list[dict]:
    """The plans one file keeps under ``# EP-…`` headings (:func:`plantui.execplan.parts`), each named ``path#EP-…``."""
    return [{"name": printable(pt.name), "title": printable(pt.title), "line": pt.line, "end_line": pt.end_line,
             "status": pt.status, "tasks": _counts(pt.tasks),
             "next_task": None if pt.next_task is None else {"line": plan.items[pt.next_task].line,
                                                             "id": plan.items[pt.next_task].id,
                                                             "text": printable(plan.items[pt.next_task].text)}}
            for pt in parts(path, plan, summary)]


def with_outlook(doc: dict, outlook) -> dict:
    """A plan's JSON with its ``"pace"`` and ``"eta"`` (a :class:`plantui.pace.Outlook`): new keys, schema 1."""
    from .pace import to_json

    return {**doc, **to_json(outlook)}


def outlook_text(outlook, now=None) -> str:
    """The pace and ETA lines under a plan's status text ("" when nothing was ever seen done nor estimated)."""
    from .pace import lines

    if not outlook.pace.completed and not outlook.work.estimated and outlook.plan.completed == 0:
        return ""
    return "\n".join("  " + line for line in lines(outlook, now))


def document(plans: list[dict]) -> dict:
    return {"schema": SCHEMA, "plans": plans}


# --- text -------------------------------------------------------------------

_GLYPH = {"done": "✓", "in progress": "◐", "not started": "○", "blocked": "✗"}
_CP_GLYPH = {"passed": "✓", "ready": "◆", "pending": "○"}


def bar(fraction: float, width: int = 20) -> str:
    fraction = max(0.0, min(1.0, fraction))
    full = int(round(fraction * width))
    if 0 < fraction < 1:  # like the percent beside it: never full while one is open, never empty once one is done
        full = min(width - 1, max(1, full))
    return "█" * full + "░" * (width - full)


class _Style:
    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def plan_text(path: str, plan: Plan, summary: Summary, color: bool = False, outlook=None,
              settings: Settings | None = None) -> str:
    """A plan's status for a person; ``outlook`` (:class:`plantui.pace.Outlook`) adds its pace and ETA;
    ``settings``: its marker dialect is named when it is not plain Markdown's."""
    s = _Style(color)
    p = printable
    t = summary.tasks
    out = []
    title = p(plan.title) or Path(path).name
    out.append(s(f"{path}", "1") + (f" — {title}" if title != Path(path).name else ""))
    frac = t.done / t.countable if t.countable else 0.0
    line = f"  {bar(frac)}  {t.done}/{t.countable} tasks  {t.percent}%  {summary.status}"
    if t.in_progress:
        line += f"  ({t.in_progress} in progress)"
    if t.skipped:
        line += f"  ({t.skipped} skipped)"
    out.append(line)
    if summary.checks.total:
        out.append(f"  {summary.checks.done}/{summary.checks.total} checks ticked")
    if summary.next_task is not None:
        it = plan.items[summary.next_task]
        out.append(f"  Next: {p(it.label)} " + s(f"(line {it.line})", "2"))
    if outlook is not None and (extra := outlook_text(outlook)):
        out.append(extra)
    if settings is not None and settings.dialect != DEFAULT.dialect:
        out.append(s(f"  Markers: {settings.dialect}", "2"))
    if plan.phases:
        out.append("")
        out.append(s("  Phases", "1"))
        width = min(44, max(len(p(ph.title)) for ph in plan.phases))
        for ph, st in zip(plan.phases, summary.phases):
            c = st.counts
            name = p(ph.title)
            name = name if len(name) <= width else name[: width - 1] + "…"
            indent = "  " if ph.parent is not None else ""
            status = st.status
            if st.blocked_by and st.status == "blocked":  # a done or started phase is not "by" anything
                status += " by " + ", ".join(p(plan.phases[b].title.split(":")[0]) for b in st.blocked_by)
            pfrac = c.done / c.countable if c.countable else (1.0 if st.status == "done" else 0.0)
            out.append(
                f"    {_GLYPH[st.status]} {indent}{name:<{width}}  {bar(pfrac, 10)}  {c.done:>3}/{c.countable:<3}  {status}"
            )
    if plan.checkpoints:
        out.append("")
        out.append(s("  Checkpoints", "1"))
        for cp, st in zip(plan.checkpoints, summary.checkpoints):
            name = p(cp.title)
            name = name if len(name) <= 60 else name[:59] + "…"
            checks = f"{st.counts.done}/{st.counts.total} checks" if st.counts.total else "no checks"
            out.append(f"    {_CP_GLYPH[st.status]} {name}  ({checks})  {st.status}")
    shown = [(f, st) for f, st in zip(plan.fields, summary.fields) if st.computed is not None or f.name in ("estimated time", "date")]
    if shown:
        out.append("")
        out.append(s("  Fields", "1"))
        for f, st in shown:
            val = p(f.value) or "(empty)"
            if st.computed is not None and st.computed != f.value and (st.drift or is_placeholder(f.value)):
                mark = (s("drift", "33") + ("" if st.writable else ", left as written")) if st.drift else "to fill"
                out.append(f"    {p(f.key)}: {val}  → {p(st.computed)}  [{mark}]  " + s(f"line {f.line}", "2"))
            else:
                out.append(f"    {p(f.key)}: {val}  " + s(f"line {f.line}", "2"))
    if summary.warnings:
        out.append("")
        out.append(s("  Warnings", "1"))
        for w in summary.warnings[:20]:
            where = f"line {w.line}: " if w.line else ""
            out.append("    " + s(f"{where}{p(w.message)}", "33"))
        if len(summary.warnings) > 20:
            out.append(f"    … and {len(summary.warnings) - 20} more (see --json)")
    return "\n".join(out)
