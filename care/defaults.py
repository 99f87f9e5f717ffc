"""A default greeting, the China holiday calendar (K-41) and the lunar festivals that are care
occasions but no public holiday; admins change them in the app."""

# (English, 简体, 繁體, lunar month, lunar day, solar term, on by default). Only 元宵 is on: the
# others are greeted by some teams and not others, so each admin turns on what their teams send
# (per team) rather than every key contact receiving six more messages a year unasked.
FESTIVALS = [
    ("Lantern Festival", "元宵节", "元宵節", 1, 15, "", True),
    ("Qixi Festival", "七夕", "七夕", 7, 7, "", False),
    ("Double Ninth Festival", "重阳节", "重陽節", 9, 9, "", False),
    ("Laba Festival", "腊八节", "臘八節", 12, 8, "", False),
    # 腊月廿三 in the north; southern teams change the day to 24.
    ("Little New Year", "小年", "小年", 12, 23, "", False),
    ("Winter Solstice", "冬至", "冬至", None, None, "冬至", False),
]


# Holidays greeted as one festival period (K-41): one greeting per contact for 除夕 and 春节 (and Hong
# Kong's, Macao's first to fourth days), due before the first of them. Matched on the holiday's English
# name (the holidays package's, or an occasion's); a deployment changes the list with the setting
# CARE_FESTIVAL_PERIODS, in this shape. The key is the period's, per solar year.
FESTIVAL_PERIODS = [
    {"key": "spring_festival",
     "names": {"en": "Spring Festival", "zh-hans": "春节", "zh-hant": "春節"},
     "members": ["Chinese New Year's Eve", "Chinese New Year (Spring Festival)", "Chinese New Year",
                 "Chinese New Year's Day", "The second day of Chinese New Year",
                 "The third day of Chinese New Year", "The fourth day of Chinese New Year",
                 "Spring Festival", "Lunar New Year"]},
]


def festival_periods():
    from django.conf import settings

    return getattr(settings, "CARE_FESTIVAL_PERIODS", FESTIVAL_PERIODS)


def festival_period_of(english_name):
    """The period a holiday or occasion is greeted with, or None when it is greeted on its own."""
    return next((period for period in festival_periods() if english_name in period["members"]), None)


def install_care_defaults(MessageTemplate, HolidayCalendar):  # noqa: N803 (model classes)
    if MessageTemplate.objects.exists():
        return False
    greeting = MessageTemplate.objects.create(
        name="Festival greeting", channel="wechat",
        body_en="Dear {name}, warm wishes for {occasion} from {sender} and all of us.",
        body_zh_hans="{name}您好，值此{occasion}之际，{sender}谨代表全体同仁致以诚挚的祝福！",
        body_zh_hant="{name}您好，值此{occasion}之際，{sender}謹代表全體同仁致以誠摯的祝福！",
    )
    HolidayCalendar.objects.create(country="CN", days_ahead=3, template=greeting)
    return True


def install_festivals(Occasion, MessageTemplate):  # noqa: N803 (model classes)
    """The festivals above as occasions, once: an admin's edits or deletions are never undone."""
    greeting = MessageTemplate.objects.order_by("pk").first()
    if greeting is None or Occasion.objects.filter(calendar__in=["lunar", "solar_term"]).exists():
        return False
    Occasion.objects.bulk_create([
        Occasion(name=en, name_zh_hans=hans, name_zh_hant=hant, calendar="solar_term" if term else "lunar",
                 lunar_month=month, lunar_day=day, solar_term=term, days_ahead=1, template=greeting,
                 is_active=active)
        for en, hans, hant, month, day, term, active in FESTIVALS])
    return True


def ensure_care_defaults():
    from care.models import HolidayCalendar, MessageTemplate, Occasion

    made = install_care_defaults(MessageTemplate, HolidayCalendar)
    install_festivals(Occasion, MessageTemplate)
    return made
