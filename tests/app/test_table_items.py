"""A pane's table whose rows are items: one changed row is one item redrawn."""

from __future__ import annotations

from ipctui.app.panes.base import table_items

HEADERS = ("name", "notes", "n")


def test_a_changed_cell_changes_only_its_row_and_a_wider_one_all_rows():
    rows = [("a", ("alpha", "x", "1"), ""), ("b", ("beta", "y", "2"), "dim")]
    before = {key: sig for key, sig, _ in table_items("t", HEADERS, rows, 60, flex=1)}
    rows[1] = ("b", ("beta", "y", "3"), "dim")
    after = {key: sig for key, sig, _ in table_items("t", HEADERS, rows, 60, flex=1)}
    assert [k for k in before if before[k] != after[k]] == ["t-b"]
    rows[0] = ("a", ("a much longer name", "x", "1"), "")
    wider = {key: sig for key, sig, _ in table_items("t", HEADERS, rows, 60, flex=1)}
    assert all(wider[k] != after[k] for k in after)  # the column widths changed for every row


def test_the_flexible_column_folds_within_the_width():
    from rich.console import Console

    rows = [("a", ("alpha", "word " * 40, ("9", "bold")), "")]
    items = table_items("t", HEADERS, rows, 40, flex=1)
    console = Console(width=40, record=True)
    for _, _, build in items:
        console.print(build())
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= 40
    assert lines[0].split() == ["name", "notes", "n"]
    assert len(lines) > 3  # the notes folded onto more lines


def test_too_narrow_a_table_folds_its_cells_instead_of_cutting_them():
    from rich.console import Console

    headers = ("#", "local", "remote")
    rows = [("1", ("1", "127.0.0.1:32768", "127.0.0.1:8080"), "")]
    console = Console(width=24, record=True)
    for _, _, build in table_items("t", headers, rows, 24, flex=1):
        console.print(build())
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 24
    assert "32768" in text.replace("\n", "").replace(" ", "")  # folded, not cut off
    assert "…" not in text
