"""Where Django's own Chinese formats fall short of how Chinese business writes (FORMAT_MODULE_PATH).

Only what differs is here; everything else comes from Django's locale. Money and counts are
grouped by thousands with a comma (10,742,000.00), as contracts and finance reports write
them — Django's default of no separator at all makes a figure unreadable. Its month-day
format pads the month ("09月25日"), which nobody writes.
"""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
MONTH_DAY_FORMAT = "n月j日"
