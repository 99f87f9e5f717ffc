"""Blank files to fill in, with column help, in the language asked for."""

import csv
import io

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from core.exports import XLSX
from imports.kinds import IMPORTERS


def template_response(kind, fmt, language):
    importer = IMPORTERS[kind]
    with translation.override(language):
        headers = [str(column.label) + (" *" if column.required else "") for column in importer.columns]
        if fmt == "csv":
            return _csv(kind, language, headers)
        return _xlsx(kind, language, headers, importer.columns)


def _csv(kind, language, headers):
    buffer = io.StringIO()
    csv.writer(buffer).writerow(headers)
    # UTF-8 with a BOM: Excel then opens the Chinese headers correctly.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{kind}-{language}.csv"'
    return response


def _xlsx(kind, language, headers, columns):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Data")[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    help_sheet = book.create_sheet(_("Help")[:31])
    help_sheet.append([_("Column"), _("Required"), _("What to write"), _("Example")])
    for column in columns:
        help_sheet.append([str(column.label), _("yes") if column.required else _("no"), str(column.help),
                           column.example])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["C"].width = 80
    help_sheet.column_dimensions["D"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{kind}-{language}.xlsx"'
    return response
