"""How the contact files beside this script were made (issue 17, item 8). Run it to remake them:
    .venv/bin/python tests/imports/files/make_files.py
Each file is a team's contact list as its own Excel saves it: Simplified headers in GBK from
Shanghai, Traditional (Taiwan's words) in Big5 from Taipei, an XLSX from Hong Kong; full-width
mobiles, lunar birthdays with a leap month, a column the contacts import does not read (负责人),
and three impossible dates (lines 4, 5 and 6)."""

import csv
import io
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

GBK = [
    ["客户名称", "联系人", "职务", "手机", "生日", "负责人"],
    ["东方电子", "张伟", "采购总监", "１３８００１３８００４", "农历八月十五", "li"],
    ["东方电子", "王芳", "财务经理", "１３９－００００－１１１１", "农历1979年闰六月初八", "li"],
    ["东方电子", "李娜", "工程师", "13700000002", "2月30日", "li"],
    ["东方电子", "陈明", "主管", "13700000003", "农历1980年闰二月初一", "li"],
    ["东方电子", "赵强", "经理", "13700000004", "1985-13-01", "li"],
    ["东方电子", "刘洋", "总经理", "＋８６ １３６ ０００ ０００５", "1990-02-28", "li"],
]
# Taipei: Traditional characters and Taiwan's words (聯絡人, 職稱, 行動電話), the account written 東方電子.
BIG5 = [
    ["客戶名稱", "聯絡人", "職稱", "行動電話", "生日", "負責人"],
    ["東方電子", "張偉", "採購總監", "１３８００１３８００４", "農曆八月十五", "li"],
    ["東方電子", "王芳", "財務經理", "１３９－００００－１１１１", "農曆1979年閏六月初八", "li"],
    ["東方電子", "李娜", "工程師", "13700000002", "2月30日", "li"],
    ["東方電子", "陳明", "主管", "13700000003", "農曆1980年閏二月初一", "li"],
    ["東方電子", "趙強", "經理", "13700000004", "1985-13-01", "li"],
    ["東方電子", "劉洋", "總經理", "＋８６ １３６ ０００ ０００５", "1990-02-28", "li"],
]
# Hong Kong: Traditional with Hong Kong's words (電郵), as a workbook.
XLSX = [
    ["客戶", "姓名", "部門", "手機號碼", "出生日期", "電郵", "負責人"],
    ["東方電子", "張偉", "採購部", "１３８００１３８００４", "農曆八月十五", "zhang@example.com", "li"],
    ["東方電子", "王芳", "財務部", "１３９－００００－１１１１", "農曆1979年閏六月初八", "wang@example.com", "li"],
    ["東方電子", "李娜", "工程部", "13700000002", "2月30日", "", "li"],
    ["東方電子", "陳明", "管理部", "13700000003", "農曆1980年閏二月初一", "", "li"],
    ["東方電子", "趙強", "銷售部", "13700000004", "1985-13-01", "", "li"],
    ["東方電子", "劉洋", "總經辦", "＋８６ １３６ ０００ ０００５", "1990-02-28", "", "li"],
]


def write_csv(rows, name, encoding):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    (HERE / name).write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(rows, name):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(HERE / name)


if __name__ == "__main__":
    write_csv(GBK, "contacts_gbk.csv", "gbk")
    write_csv(BIG5, "contacts_big5.csv", "big5")
    write_xlsx(XLSX, "contacts_hk.xlsx")
