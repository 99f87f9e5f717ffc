"""CSV and XLSX downloads shared by every list and report.

A CSV cell a spreadsheet would run as a formula (=, +, -, @, tab, CR, also after
leading blanks) is prefixed with an apostrophe: an account named "=HYPERLINK(…)"
stays text (CSV injection). An XLSX cell has a type, so text is written as a
string cell, which is never run, and its data is left exactly as typed.
CSV streams row by row, so a large export never sits in memory.

A list page offers its rows with `list_export` (function views) or
`ExportMixin` (class-based views): `?format=csv` or `?format=xlsx` on the page's
own URL answers with every row of the page's own filtered, permission-scoped
queryset, so an export can never show more than the page would.
"""

import csv
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from itertools import chain, islice
from typing import Any

from django.db.models import Model, QuerySet
from django.dispatch import Signal
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# Rows fetched per round trip when streaming a queryset. A prefetch runs once per
# chunk, so an export's query count stays fixed up to this many rows.
CHUNK_SIZE = 2000
# The rows an XLSX column's width is measured on: enough to be sensible, few enough
# that a large export is not held twice.
WIDTH_SAMPLE = 200
MIN_WIDTH, MAX_WIDTH = 8, 60
# Sent once per list download, when its last row is written (a CSV streams: after the view
# returned). Arguments: request, list_name (the page's URL name), export_format, filters (the
# query string but format and page, as lists), rows. The audit log listens (audit.receivers).
export_made = Signal()


def safe_cell(value):
    """A CSV cell no spreadsheet runs as a formula: text that starts one gets an apostrophe.

    Spreadsheets skip leading blanks before reading a formula, so " =1+1" and "\n=cmd"
    are formulas too. Numbers and dates are never formulas: a negative amount stays a number."""
    if isinstance(value, (int, float, Decimal, date)) or value is None:
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START) else text


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
    """A workbook whose text cells are typed as text: never a formula, and nothing added
    to the data (a phone "+86 137 0000 0001" stays exactly that). Numbers and dates stay
    numbers and dates. The header is bold and stays in view; columns fit their content."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    # A write-only sheet takes its column widths and frozen row before the first row.
    for index, width in enumerate(_widths(header, sample), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_typed(sheet, label, font=bold) for label in header])
    for row in chain(sample, rows):
        sheet.append([_typed(sheet, cell) for cell in row])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _typed(sheet, value, font=None):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, (Promise, Model)):
        value = str(value)
    if isinstance(value, str):
        # XML cannot carry control characters (a pasted \x0b, say): dropped, not a failed download.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=…" a formula; a string cell is only ever shown
    if font is not None:
        cell.font = font
    return cell


def _widths(header, rows):
    widths = [_width(label) for label in header]
    for row in rows:
        for index, value in enumerate(row[:len(widths)]):
            widths[index] = max(widths[index], _width(value))
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _width(value):
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = str(value)
    # A Chinese character takes about two columns of a Latin one.
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


# --- List exports ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of a list export: a translatable header and how to read the cell.

    `value` is a dotted attribute path ("owner.team", "get_status_display"; a
    callable at the end is called, a None on the way gives an empty cell) or a
    function of the row. Whatever it touches must be select_related or
    annotated on the queryset: the export tests pin the query count."""

    label: Any
    value: Any

    def read(self, row):
        if callable(self.value):
            return self.value(row)
        found = row
        for part in self.value.split("."):
            found = getattr(found, part, None) if found is not None else None
        return found() if callable(found) else found


def plain(value):
    """A cell both writers understand, in the reader's time zone and language."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        # openpyxl refuses time zones; a spreadsheet shows local wall time.
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.replace(tzinfo=None, microsecond=0)
    if isinstance(value, (Model, Promise)):
        return str(value)
    return value


def export_format(request):
    wanted = request.GET.get("format")
    return wanted if wanted in FORMATS else None


def list_export(request, rows, columns, *, filename, title=""):
    """The download `?format=` asks for, or None to render the page as usual.

    `rows`: the page's queryset before pagination (streamed), or a list."""
    wanted = export_format(request)
    if wanted is None:
        return None
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK_SIZE)
    header = [str(column.label) for column in columns]
    body = _cells(rows, columns, translation.get_language())
    name = f"{filename}-{timezone.localdate():%Y-%m-%d}"
    return export_response(request, wanted, name, header, body, title=str(title or filename))


def export_response(request, wanted, name, header, rows, *, title="Report"):
    """The one door every download leaves by (lists and reports): a CSV or XLSX response
    whose rows are counted as they are written, and export_made sent at the end."""
    rows = _counted(rows, request, wanted)
    if wanted == "csv":
        return csv_response(name, header, rows)
    return xlsx_response(name, header, rows, title=title)


def _counted(rows, request, wanted):
    count = 0
    for row in rows:
        count += 1
        yield row
    match = getattr(request, "resolver_match", None)
    filters = {key: values for key, values in request.GET.lists() if key not in ("format", "page")}
    export_made.send(sender=None, request=request, list_name=match.view_name if match else request.path,
                     export_format=wanted, filters=filters, rows=count)


def _cells(rows, columns, language):
    # A CSV is written while the response streams, after the view has returned:
    # keep the reader's language for choice labels and the like.
    with translation.override(language):
        for row in rows:
            yield [plain(column.read(row)) for column in columns]


class ExportMixin:
    """For a ListView/FilterView: the same queryset, unpaginated, as a download."""

    export_columns = ()
    export_filename = "export"

    def get_paginate_by(self, queryset):
        return None if export_format(self.request) else super().get_paginate_by(queryset)

    def render_to_response(self, context, **kwargs):
        export = list_export(self.request, self.object_list, self.export_columns, filename=self.export_filename,
                             title=self.get_export_title())
        return export or super().render_to_response(context, **kwargs)

    def get_export_title(self):
        return self.export_filename
