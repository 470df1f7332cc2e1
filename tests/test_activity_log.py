"""The activity log: a line per entry, drawn where it shows (wide text, themes, the 300 kept, copying)."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.geometry import Offset
from textual.selection import Selection

from pilot import app_for, loaded

from plantui.ui.widgets.activity import KEEP, Entry, entry_content


def shown(log) -> list[str]:
    """The log's lines as they are drawn now (the rows below its last entry left out)."""
    return [t for y in range(log.scrollable_content_region.height) if (t := log.render_line(y).text).strip()]


def test_a_wide_name_is_cut_by_cells_and_keeps_its_source():
    entry = Entry("14:02:11", "✓ 2.1 实现数据模型和存储层以及缓存读取路径和更多的文字", "outside")
    line = entry_content(entry, width=44).plain
    assert cell_len(line) <= 44 and line.endswith("… (outside)") and "实现" in line


async def test_the_log_draws_the_newest_entries_and_keeps_the_last_300(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        for n in range(KEEP + 5):
            dash.log_line(f"line {n}")
        await pilot.pause()
        log = dash.activity
        assert len(log.entries) == KEEP and log.entries[-1].text == f"line {KEEP + 4}"
        lines = shown(log)
        assert f"line {KEEP + 4}" in lines[-1] and all(cell_len(t) <= log.scrollable_content_region.width for t in lines)


async def test_a_wide_entry_shows_its_name_and_source_on_one_line(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        dash.activity.add(Entry("14:02:11", "✓ 2.1 实现数据模型和存储层以及缓存读取路径和更多的文字和更多的文字和更多", "outside"))
        await pilot.pause()
        last = shown(dash.activity)[-1]
        assert "实现" in last and "(outside)" in last


async def test_a_new_theme_draws_the_lines_in_its_colours(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        log = dash.activity
        before = log.render_line(0)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        after = log.render_line(0)
        assert after.text == before.text and list(after) != list(before)


async def test_the_log_text_can_be_copied(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        dash.log_line("first copied line")
        dash.log_line("second copied line")
        await pilot.pause()
        log = dash.activity
        n = len(log.entries)
        text, end = log.get_selection(Selection(Offset(0, n - 2), Offset(1000, n - 1)))
        assert "first copied line" in text and "second copied line" in text and end == "\n"


# -- show(): new text without a layout when its size cannot change ------------------


async def test_text_of_the_same_shape_is_redrawn_without_a_layout_and_wrapped_text_is_laid_out(plan: Path, monkeypatch):
    from textual.widgets import Static

    from plantui.ui.widgets.text import show

    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        one_line, wrapping = Static(id="one-line"), Static(id="wrapping")
        one_line.styles.text_wrap = "nowrap"
        await app.screen.mount(one_line, wrapping)
        layouts = []
        monkeypatch.setattr(Static, "refresh", lambda self, *a, layout=False, **k: layouts.append((self.id, layout)))
        for widget in (one_line, wrapping):
            show(widget, "349/1000 tasks")
            show(widget, "350/1000 tasks")  # the same shape
            show(widget, "350/1000 tasks")  # shown already: nothing
            show(widget, "350/1000 tasks done")
        assert layouts == [("one-line", True), ("one-line", False), ("one-line", True),
                           ("wrapping", True), ("wrapping", True), ("wrapping", True)]


async def test_a_line_says_its_entrys_place_after_the_oldest_are_dropped(plan: Path):
    """A selection finds a line by the offsets it carries: the entry's place in the log now."""
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        log = dash.activity
        for n in range(KEEP + 3):
            dash.log_line(f"same line {n % 2}")  # equal entries at many places
        await pilot.pause()
        for y in range(log.scrollable_content_region.height):
            index = log.scroll_offset.y + y
            offsets = {seg.style.meta.get("offset") for seg in log.render_line(y) if seg.style and seg.style.meta}
            assert offsets and all(o[1] == index for o in offsets if o), (y, offsets)
