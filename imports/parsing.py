"""Reading the spreadsheets Chinese teams bring (issue 9): CSV in UTF-8 (with or
without BOM), GBK/GB18030 or Big5, and XLSX; dates written the ways Excel users
write them, lunar birthdays (农历八月十五), full-width digits and amounts with
currency signs. Every reader raises ParseError with a message for the user."""

import codecs
import csv
import io
import itertools
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.calendars import lunar_date_problem
from core.text import narrow

ENCODINGS = [
    ("auto", gettext_lazy("Detect automatically")),
    ("utf-8", "UTF-8"),
    ("gb18030", gettext_lazy("GBK / GB18030 (Simplified Chinese Excel)")),
    ("big5", gettext_lazy("Big5 (Traditional Chinese Excel)")),
]
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


class ParseError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Files ---------------------------------------------------------------------------------

def decode(data, encoding="auto"):
    """The file's text and the encoding used. Detection tries UTF-8 first (it
    almost never decodes other text by accident), then lets charset-normalizer
    choose between the two Chinese Excel encodings."""
    if encoding == "auto":
        if data.startswith(codecs.BOM_UTF8):
            return data.decode("utf-8-sig"), "utf-8"
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = _detect_chinese(data)
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    try:
        return data.decode(codec), encoding
    except (UnicodeDecodeError, LookupError) as error:
        raise ParseError(
            _("The file is not valid %(encoding)s text (at byte %(position)s). Choose another encoding.")
            % {"encoding": dict(ENCODINGS).get(encoding, encoding), "position": getattr(error, "start", 0)}
        ) from error


def _detect_chinese(data):
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
    if best is None:
        raise ParseError(_("The file's encoding could not be detected. Choose it from the list."))
    return best.encoding


def read_table(data, filename, encoding="auto", limit=None):
    """(headers, [(line, cells)], encoding used); empty rows are dropped. With
    `limit`, only that many rows of data are read (a preview of a large file)."""
    if data.startswith(OLE_MAGIC) or filename.lower().endswith(".xls"):
        raise ParseError(_("Old .xls workbooks cannot be read. In Excel choose Save As → .xlsx or .csv."))
    if data.startswith(XLSX_MAGIC):
        rows, used = _xlsx_rows(data), "xlsx"
    else:
        content, used = decode(data, encoding)
        rows = _csv_rows(content)
    # Line numbers are the file's own, as the user sees them in Excel, empty rows included.
    rows = ((line, row) for line, row in enumerate(rows, start=1) if any(not _blank(cell) for cell in row))
    rows = list(itertools.islice(rows, limit + 1) if limit else rows)
    if len(rows) < 2:
        raise ParseError(_("The file is empty: it needs a header row and at least one row of data."))
    headers = [text(cell) for cell in rows[0][1]]
    width = len(headers)
    body = [(line, (list(row) + [""] * width)[:width]) for line, row in rows[1:]]
    return headers, body, used


def _blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _csv_rows(text):
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error as error:
        raise ParseError(_("The CSV file is malformed: %(error)s") % {"error": error}) from error


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ParseError(_("The workbook could not be opened; it may be damaged. Save it again as .xlsx.")) from error
    return _sheet_rows(book)


def _sheet_rows(book):
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


# --- Cells ---------------------------------------------------------------------------------

def text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel hands phone numbers back as 13812345678.0
    # PostgreSQL stores no NUL character, in text or in JSON.
    return str(value).replace("\x00", "").strip()


def _narrow(value):
    """Full-width digits and punctuation (１２３，／) to their ASCII forms."""
    return narrow(text(value))


DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
TIME_RE = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")


def parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _narrow(value)
    match = DATE_RE.match(raw) or COMPACT_DATE_RE.match(raw)
    if not match:
        raise ParseError(_("“%(value)s” is not a date; write it like 2024-05-26.") % {"value": raw})
    return _make_date(raw, *map(int, match.groups()))


def _make_date(raw, year, month, day):
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ParseError(_("“%(value)s” is not a real date.") % {"value": raw}) from error


def parse_datetime(value, default_time=time(9, 0)):
    """An aware datetime in the site's time zone; a bare date means 09:00."""
    if isinstance(value, datetime):
        moment = value
    else:
        raw = _narrow(value)
        date_part, _sep, time_part = raw.partition(" ")
        day = parse_date(date_part)
        clock = default_time
        if time_part.strip():
            match = TIME_RE.match(time_part.strip())
            if not match:
                raise ParseError(_("“%(value)s” is not a time; write it like 14:30.") % {"value": time_part.strip()})
            hour, minute, second = (int(part or 0) for part in match.groups())
            if hour > 23 or minute > 59 or second > 59:
                raise ParseError(_("“%(value)s” is not a real time.") % {"value": time_part.strip()})
            clock = time(hour, minute, second)
        moment = datetime.combine(day, clock)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


AMOUNT_NOISE = re.compile(r"[,\s¥$€元円]|RMB|CNY", re.IGNORECASE)


def parse_decimal(value):
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = _narrow(value)
    try:
        return Decimal(AMOUNT_NOISE.sub("", raw))
    except InvalidOperation as error:
        raise ParseError(_("“%(value)s” is not a number.") % {"value": raw}) from error


def parse_int(value):
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ParseError(_("“%(value)s” is not a whole number.") % {"value": text(value)})
    return int(number)


TRUE_WORDS = {"1", "y", "yes", "true", "是", "有", "✓", "√", "x"}
FALSE_WORDS = {"0", "n", "no", "false", "否", "无", "無"}


def parse_bool(value):
    raw = _narrow(value).lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ParseError(_("“%(value)s” is not yes or no.") % {"value": raw})


def split_list(value):
    """Names or roles separated the ways people separate them: , ， 、 ; ；"""
    return [part.strip() for part in re.split(r"[,，、;；/\n]", text(value)) if part.strip()]


# --- Birthdays -----------------------------------------------------------------------------

LUNAR_PREFIX = re.compile(r"^(农历|農曆|阴历|陰曆|旧历|舊曆|lunar)\s*", re.IGNORECASE)
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
MONTH_WORDS = {"正": 1, "冬": 11, "腊": 12, "臘": 12}
LUNAR_RE = re.compile(
    r"^(?:(?P<year>\d{4})\s*年)?\s*(?P<leap>[闰閏])?\s*(?P<month>[正冬腊臘一二三四五六七八九十]{1,2}|\d{1,2})\s*月"
    r"\s*(?P<day>初[一二三四五六七八九十]|十[一二三四五六七八九]|二十|廿[一二三四五六七八九]|三十|卅|[一二三四五六七八九十]|\d{1,2})"
    r"\s*[日号號]?$"
)
SOLAR_MONTH_DAY_RE = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?$")
DAYS_IN_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def _chinese_number(word):
    if word.isdigit():
        return int(word)
    if word in MONTH_WORDS:
        return MONTH_WORDS[word]
    word = word.removeprefix("初").replace("廿", "二十").replace("卅", "三十")
    if len(word) == 1:
        return CHINESE_DIGITS[word]
    if word[0] == "十":
        return 10 + CHINESE_DIGITS[word[1]]
    tens = CHINESE_DIGITS[word[0]] * 10
    return tens + (CHINESE_DIGITS[word[2]] if len(word) == 3 else 0)


def parse_birthday(value):
    """{'calendar', 'year', 'month', 'day', 'leap'} from “1980-05-26”, “5月26日”,
    “农历八月十五”, “農曆閏四月初八” or “农历1975年腊月廿三”."""
    raw = _narrow(value)
    lunar = LUNAR_PREFIX.match(raw)
    if lunar:
        return _lunar_birthday(raw, raw[lunar.end():])
    if isinstance(value, (date, datetime)) or DATE_RE.match(raw) or COMPACT_DATE_RE.match(raw):
        day = parse_date(value)
        return {"calendar": "solar", "year": day.year, "month": day.month, "day": day.day, "leap": False}
    match = SOLAR_MONTH_DAY_RE.match(raw)
    if not match:
        raise ParseError(
            _("“%(value)s” is not a birthday; write 1980-05-26, 5月26日 or 农历八月十五.") % {"value": raw})
    month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= DAYS_IN_MONTH[month]):
        raise ParseError(_("“%(value)s” is not a real date.") % {"value": raw})
    return {"calendar": "solar", "year": None, "month": month, "day": day, "leap": False}


def _lunar_birthday(raw, rest):
    match = LUNAR_RE.match(rest.strip())
    if not match:
        raise ParseError(_("“%(value)s” is not a lunar date; write it like 农历八月十五.") % {"value": raw})
    month, day = _chinese_number(match["month"]), _chinese_number(match["day"])
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise ParseError(_("“%(value)s” is not a real lunar date.") % {"value": raw})
    year = int(match["year"]) if match["year"] else None
    leap = bool(match["leap"])
    if year is not None:
        _check_lunar_day(raw, year, month, day, leap)
    return {"calendar": "lunar", "year": year, "month": month, "day": day, "leap": leap}


def _check_lunar_day(raw, year, month, day, leap):
    """With its year, a lunar date can be checked: 1980 had no leap month, and a 29-day month no 30th."""
    if not 1900 <= year <= 2100:
        raise ParseError(_("“%(value)s”: the year must be between 1900 and 2100.") % {"value": raw})
    problem = lunar_date_problem(year, month, day, leap)
    if problem == "leap":
        raise ParseError(_("“%(value)s” is not a real lunar date: that year had no such leap month.")
                         % {"value": raw})
    if problem == "day":
        raise ParseError(_("“%(value)s” is not a real lunar date: that month had 29 days.") % {"value": raw})
