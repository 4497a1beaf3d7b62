"""The writers of :mod:`gongjian.output`: rows streamed in chunks, sheets continued past
Excel's row limit (the real writer on a lowered limit), sheet titles."""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import gongjian.output as output
from gongjian.cli import app
from gongjian.output import sheet_title, write_frame, write_workbook, write_xlsx

runner = CliRunner()


class Recording(io.StringIO):
    """A text stream that remembers the size of its largest write."""

    largest = 0
    writes = 0

    def write(self, text: str) -> int:
        self.largest = max(self.largest, len(text))
        self.writes += 1
        return super().write(text)


@pytest.fixture
def frame() -> pd.DataFrame:
    n = 23
    return pd.DataFrame({
        "id": pd.Series([f"P{i}" for i in range(n)], dtype="str"),
        "name": pd.Series(["=1+1" if i % 5 == 0 else f"组织{i}" for i in range(n)], dtype="str"),
        "members": pd.Series([None if i % 7 == 0 else i for i in range(n)], dtype="Int64"),
        "projects": pd.Series([["甲", "乙"] if i % 2 else None for i in range(n)], dtype=object),
        "work_rate": [i / n for i in range(n)],
    })


def test_csv_and_json_are_streamed_in_chunks(frame, monkeypatch, tmp_path):
    whole_csv, whole_json = io.StringIO(), io.StringIO()
    write_frame(frame, fmt="csv", stream=whole_csv)
    write_frame(frame, fmt="json", stream=whole_json)
    monkeypatch.setattr(output, "CHUNK_ROWS", 4)
    for fmt, whole in (("csv", whole_csv), ("json", whole_json)):
        rec = Recording()
        write_frame(frame, fmt=fmt, stream=rec)
        assert rec.getvalue() == whole.getvalue()  # chunk seams leave no trace
        assert rec.writes > len(frame) // 4 and rec.largest < len(rec.getvalue()) / 3
    records = json.loads(whole_json.getvalue())
    assert [r["id"] for r in records] == frame["id"].tolist()
    assert records[1]["projects"] == ["甲", "乙"] and records[0]["members"] is None
    rows = list(csv.reader(whole_csv.getvalue().splitlines()))
    assert len(rows) == len(frame) + 1 and rows[1][1] == "'=1+1"
    path = tmp_path / "r.json"
    write_frame(frame, fmt="json", output=path)
    assert json.loads(path.read_text(encoding="utf-8")) == records
    assert len(path.read_text(encoding="utf-8").splitlines()) == len(frame) + 2  # a row a line
    empty = tmp_path / "e.json"
    write_frame(frame.head(0), fmt="json", output=empty)
    assert json.loads(empty.read_text(encoding="utf-8")) == []


def test_xlsx_continues_on_further_sheets_past_the_row_limit(frame, monkeypatch, tmp_path):
    monkeypatch.setattr(output, "XLSX_MAX_ROWS", 9)  # 8 rows a sheet under the header
    monkeypatch.setattr(output, "CHUNK_ROWS", 5)
    path = tmp_path / "长表.xlsx"
    names = write_xlsx(frame, path, sheet="党组织名单")
    assert names == ["党组织名单", "党组织名单（续2）", "党组织名单（续3）"]
    wb = load_workbook(path)
    assert wb.sheetnames == names
    ids, headers = [], set()
    for ws in wb:
        rows = list(ws.iter_rows(values_only=True))
        assert len(rows) <= 9
        headers.add(rows[0])
        ids += [r[0] for r in rows[1:]]
        assert ws.freeze_panes == "A2"
    assert ids == frame["id"].tolist() and len(headers) == 1


def test_the_cli_says_when_a_result_is_continued(monkeypatch, tmp_path):
    monkeypatch.setattr(output, "XLSX_MAX_ROWS", 3)
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "ledger"
    out = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["coverage", str(example), "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheets = load_workbook(out).sheetnames
    assert len(sheets) > 1 and sheets[1].endswith("（续2）")
    assert "续写" in result.stderr and sheets[-1] in result.stderr


def test_titles_valid_and_figures_whole():
    long = "两新组织 1234 个：组织覆盖率 71.4%，工作覆盖率 60.0%"
    title = sheet_title(long)
    assert len(title) <= 31 and "71.4%" in title and "60.0%" in title and "1234" in title
    en = sheet_title("1234 organizations: organizational coverage 71.4%, work coverage 60.0%")
    assert len(en) <= 31 and ":" not in en
    assert re.findall(r"\d[\d.]*%?", en) == ["1234", "71.4%", "60.0%"]
    assert sheet_title("孤岛/名单[测试]") == "孤岛-名单(测试)"
    assert sheet_title("a:b\\c?d*e") == "a-b-cde"
    assert len(sheet_title("很长的标题" * 10, suffix="（续12）")) == 31


def test_same_titles_get_distinct_sheets(tmp_path):
    path = tmp_path / "w.xlsx"
    names = write_workbook([output.Sheet("表", pd.DataFrame({"n": [1]})),
                            output.Sheet("表", pd.DataFrame({"n": [2]}))], path)
    assert load_workbook(path).sheetnames == ["表", "表（2）"]
    assert names == [["表"], ["表（2）"]]


def _upper_names(seen: list[int]):
    """A conversion that remembers the size of every chunk it is given."""
    def convert(df: pd.DataFrame) -> pd.DataFrame:
        seen.append(len(df))
        return df.assign(name=df["name"].str.upper())
    return convert


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "table"])
def test_a_conversion_is_applied_a_chunk_at_a_time(fmt, frame, monkeypatch, tmp_path):
    """Labels for people are made as the rows are written, never for the whole frame."""
    frame = frame.assign(name=frame["name"].where(frame.index % 5 != 0, "abc"))
    converted = _upper_names([])(frame)
    want = tmp_path / f"want.{fmt}"
    got = tmp_path / f"got.{fmt}"
    monkeypatch.setattr(output, "CHUNK_ROWS", 4)
    seen: list[int] = []
    if fmt == "table":
        want_buf, got_buf = io.StringIO(), io.StringIO()
        monkeypatch.setattr(output, "CHUNK_ROWS", 10_000)  # one table, as before
        write_frame(converted, fmt="table", stream=want_buf)
        write_frame(frame, fmt="table", stream=got_buf, convert=_upper_names(seen))
        assert got_buf.getvalue() == want_buf.getvalue() and seen == [len(frame)]
        return
    write_frame(converted, fmt=fmt, output=want)
    write_frame(frame, fmt=fmt, output=got, convert=_upper_names(seen))
    chunks = [n for n in seen if n != min(len(frame), 2000)]  # xlsx also converts its head
    assert chunks and max(chunks) <= 4 and sum(chunks) == len(frame)
    if fmt == "xlsx":
        rows = [list(load_workbook(p).active.iter_rows(values_only=True)) for p in (want, got)]
        assert rows[0] == rows[1] and rows[1][1][1:2] == ("ABC",)
    else:
        assert got.read_bytes() == want.read_bytes() and b"ABC" in got.read_bytes()


def test_a_long_table_is_printed_a_chunk_at_a_time(frame, monkeypatch):
    monkeypatch.setattr(output, "CHUNK_ROWS", 5)
    seen: list[int] = []
    buf = io.StringIO()
    write_frame(frame, fmt="table", stream=buf, title="长表", convert=_upper_names(seen))
    text = buf.getvalue()
    assert max(seen) <= 5 and sum(seen) == 2 * len(frame)  # widths first, then the rows
    assert text.count("长表") == 1 and text.count("members") == 1  # one title, one header
    assert all(f"P{i} " in text for i in range(len(frame)))  # every row, in order
    assert text.index("P4 ") < text.index("P5 ") < text.index("P22 ")
    # the chunks line up: every row line is as wide as the first
    rows = [line for line in text.splitlines() if re.search(r"\bP\d+\b", line)]
    assert len({output.display_width(line) for line in rows}) == 1


def test_a_table_too_long_for_rich_is_plain_aligned_text_with_long_cells_folded(monkeypatch):
    monkeypatch.setattr(output, "RICH_ROWS", 3)
    long = "两新组织党员人数达到三人以上应当单独组建党组织" * 8
    df = pd.DataFrame({"行": [1, 2, 3, 4], "说明": ["短", long, "中文与 ASCII", "末行"]})
    buf = io.StringIO()
    write_frame(df, fmt="table", stream=buf, title="问题清单")
    lines = buf.getvalue().splitlines()
    assert lines[0] == "问题清单" and lines[1].split() == ["行", "说明"]
    body = lines[2:]
    assert len({output.display_width(line) for line in body}) == 1  # every line aligned
    assert max(output.display_width(line) for line in body) <= 200
    first = output.display_width(body[0].split("  ")[0]) + 2  # where 说明 starts
    text = "".join(line[first:].strip() for line in body[1:])
    assert long in text and "末行" in text  # the folded cell reads whole, in order
    assert len(body) == 1 + 3 + 2  # the separator, 3 short rows, the long one on 3 lines
