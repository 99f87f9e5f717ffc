"""XLSX downloads (issue 15.6): text is a typed string cell, never a formula and never
altered (no apostrophe in the data); numbers and dates stay numbers and dates; the
header is bold and frozen and the columns fit what they hold."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from core.exports import xlsx_response


def _sheet(header, rows):
    return openpyxl.load_workbook(io.BytesIO(xlsx_response("x", header, rows).content)).active


def test_text_is_typed_as_text_and_kept_exactly():
    sheet = _sheet(["Name", "Phone"], [["=HYPERLINK(\"http://x\")", "+86 137 0000 0001"],
                                       [" =1+1", "\n=cmd"], ["-2", "@SUM(A1)"]])
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert [cell.value for cell in cells] == ["=HYPERLINK(\"http://x\")", "+86 137 0000 0001", " =1+1", "\n=cmd",
                                              "-2", "@SUM(A1)"]
    assert {cell.data_type for cell in cells} == {"s"}


def test_numbers_and_dates_stay_numbers_and_dates():
    sheet = _sheet(["Amount", "Count", "Day", "At", "Late"],
                   [[Decimal("-12.50"), 3, date(2026, 5, 1), datetime(2026, 5, 1, 9, 30), True]])
    amount, count, day, moment, late = next(sheet.iter_rows(min_row=2))
    assert (amount.value, amount.data_type) == (-12.5, "n") and (count.value, count.data_type) == (3, "n")
    assert day.is_date and day.value.date() == date(2026, 5, 1)
    assert moment.is_date and moment.value == datetime(2026, 5, 1, 9, 30)
    assert late.value is True


def test_the_header_is_bold_and_frozen_and_columns_fit():
    sheet = _sheet(["Account", "Note"], [["海尔集团青岛分公司", "x" * 500], ["A", None]])
    assert all(cell.font.b for cell in sheet[1]) and not any(cell.font.b for cell in sheet[2])
    assert sheet.freeze_panes == "A2"
    account, note = sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width
    assert account >= 18  # nine Chinese characters, two columns each
    assert note == 60  # capped: a long note does not make a column a screen wide


def test_characters_xml_cannot_carry_are_dropped_not_a_failed_download():
    sheet = _sheet(["Name"], [["Hai\x0ber"]])
    assert sheet["A2"].value == "Haier"
