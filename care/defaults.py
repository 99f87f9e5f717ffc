"""A default greeting and the China holiday calendar (K-41); admins change them in the app."""


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


def ensure_care_defaults():
    from care.models import HolidayCalendar, MessageTemplate

    return install_care_defaults(MessageTemplate, HolidayCalendar)
