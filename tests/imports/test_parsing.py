"""Reading what Chinese Excel users write (issue 9): encodings, dates, lunar
birthdays (K-10), full-width digits, amounts with currency signs."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from imports.parsing import (
    ParseError,
    decode,
    parse_birthday,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
    read_table,
    split_list,
    text,
)


@pytest.fixture(autouse=True)
def english():
    # Requests made by earlier tests leave their user's language active in this thread.
    with translation.override("en"):
        yield


SIMPLIFIED = "客户名称,负责人,行业\n上海华东机电有限公司,li,制造业\n北京远大科技,chen,软件\n"
TRADITIONAL = "客戶名稱,負責人,行業\n台北遠東機電有限公司,li,製造業\n"


@pytest.mark.parametrize(("data", "expected"), [
    (SIMPLIFIED.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"), "utf-8"),
    (SIMPLIFIED.encode("gbk"), "gb18030"),
    (TRADITIONAL.encode("big5"), "big5"),
])
def test_the_encodings_chinese_excel_writes_are_detected(data, expected):
    text, used = decode(data)
    assert used == expected
    assert "有限公司" in text and not text.startswith("\ufeff")


def test_a_wrong_encoding_chosen_by_hand_is_refused_with_advice():
    with pytest.raises(ParseError, match="Choose another encoding"):
        decode(TRADITIONAL.encode("big5"), "utf-8")


def test_csv_rows_keep_the_files_own_line_numbers_and_drop_empty_rows():
    headers, body, used = read_table(b"name;owner\nA;li\n;\nB;chen\n", "x.csv")
    assert headers == ["name", "owner"]
    assert body == [(2, ["A", "li"]), (4, ["B", "chen"])]


def test_nul_characters_are_dropped_from_headers_and_cells():
    headers, body, _used = read_table(b"na\x00me\nA\x00 Co\n", "x.csv")
    assert headers == ["name"] and text(body[0][1][0]) == "A Co"


def test_an_old_xls_workbook_is_refused_with_what_to_do():
    with pytest.raises(ParseError, match=r"\.xlsx"):
        read_table(b"\xd0\xcf\x11\xe0rest", "old.xls")


def test_a_damaged_xlsx_is_refused():
    with pytest.raises(ParseError, match="damaged"):
        read_table(b"PK\x03\x04 not really a zip", "broken.xlsx")


def test_a_file_with_headers_only_is_empty():
    with pytest.raises(ParseError, match="empty"):
        read_table(b"name,owner\n", "x.csv")


@pytest.mark.parametrize("written", ["2024-05-26", "2024/5/26", "2024年5月26日", "２０２４－０５－２６", "2024.5.26",
                                     "20240526", " 2024 年 5 月 26 日 "])
def test_dates_written_many_ways(written):
    assert parse_date(written) == date(2024, 5, 26)


@pytest.mark.parametrize(("written", "message"), [("2024-02-30", "not a real date"), ("next Tuesday", "not a date"),
                                                  ("26/05/2024", "not a date")])
def test_impossible_dates_are_named(written, message):
    with pytest.raises(ParseError, match=message):
        parse_date(written)


def test_a_visit_time_is_local_and_a_bare_date_means_nine_in_the_morning():
    from django.utils import timezone

    moment = timezone.localtime(parse_datetime("2024-05-26 14:30"))
    assert (moment.hour, moment.minute) == (14, 30)
    assert timezone.localtime(parse_datetime("2024/5/26")).hour == 9
    with pytest.raises(ParseError, match="not a real time"):
        parse_datetime("2024-05-26 25:00")


@pytest.mark.parametrize(("written", "number"), [
    ("1,234.50", Decimal("1234.50")), ("¥120,000", Decimal("120000")), ("１２３", Decimal("123")),
    ("5000元", Decimal("5000")), (42.5, Decimal("42.5")),
])
def test_amounts_with_separators_currency_and_full_width_digits(written, number):
    assert parse_decimal(written) == number


def test_text_in_a_number_column_is_an_error():
    with pytest.raises(ParseError, match="not a number"):
        parse_decimal("about ten thousand")
    with pytest.raises(ParseError, match="whole number"):
        parse_int("2.5")


def test_yes_and_no_in_three_languages():
    assert parse_bool("是") is True and parse_bool("Yes") is True and parse_bool("否") is False
    with pytest.raises(ParseError):
        parse_bool("maybe")


def test_lists_split_on_chinese_and_western_separators():
    assert split_list("张伟、李娜，王芳; Tom") == ["张伟", "李娜", "王芳", "Tom"]


@pytest.mark.parametrize(("written", "expected"), [
    ("农历八月十五", ("lunar", None, 8, 15, False)),
    ("農曆正月初一", ("lunar", None, 1, 1, False)),
    ("农历1975年腊月廿三", ("lunar", 1975, 12, 23, False)),
    ("农历闰四月初八", ("lunar", None, 4, 8, True)),
    ("農曆冬月三十", ("lunar", None, 11, 30, False)),
    ("阴历十一月十二", ("lunar", None, 11, 12, False)),
    ("农历8月15日", ("lunar", None, 8, 15, False)),
    ("1980-05-26", ("solar", 1980, 5, 26, False)),
    ("5月26日", ("solar", None, 5, 26, False)),
    ("02-29", ("solar", None, 2, 29, False)),
    (date(1990, 1, 2), ("solar", 1990, 1, 2, False)),
])
def test_birthdays_solar_and_lunar(written, expected):
    birthday = parse_birthday(written)
    assert (birthday["calendar"], birthday["year"], birthday["month"], birthday["day"], birthday["leap"]) == expected


@pytest.mark.parametrize("written", ["农历十三月初一", "农历八月三十五", "2月30日", "someday", "农历八月"])
def test_impossible_birthdays_are_refused(written):
    with pytest.raises(ParseError):
        parse_birthday(written)
