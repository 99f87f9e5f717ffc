"""CSV and XLSX downloads shared by every list and report.

Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR) are prefixed
with an apostrophe: an account named "=HYPERLINK(…)" stays text (CSV injection).
CSV streams row by row, so a large export never sits in memory.
"""

import csv
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if isinstance(value, (int, float)) or value is None:
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(filename, header, rows):
    writer = csv.writer(_Echo())

    def lines():
        # A BOM lets Excel open UTF-8 Chinese text correctly.
        yield "\ufeff" + writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename, header, rows, title="Report"):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
