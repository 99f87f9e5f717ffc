from django.db import migrations, models

# Frozen here, not imported from care.services: a migration must not change when the code does.
LANGUAGES = {"en": "en_US", "zh-hans": "zh_CN", "zh-hant": "zh_TW"}

def name_existing_holiday_tasks(apps, schema_editor):
    """Tasks made before names were kept: look each holiday up again, by date and English name,
    in the calendars configured, so their titles too read in the reader's language."""
    import holidays as holiday_lib

    CareTask = apps.get_model("care", "CareTask")
    HolidayCalendar = apps.get_model("care", "HolidayCalendar")
    tasks = CareTask.objects.filter(kind="holiday", occasion_names={}, occasion__contains="|")
    occasions = set(tasks.values_list("occasion", flat=True).distinct())
    if not occasions:
        return
    years = {int(occasion[:4]) for occasion in occasions if occasion[:4].isdigit()}
    found = {}
    for calendar in HolidayCalendar.objects.all():
        by_language = {}
        for language, code in LANGUAGES.items():
            try:
                by_language[language] = holiday_lib.country_holidays(
                    calendar.country, subdiv=calendar.subdivision or None, years=sorted(years), language=code,
                    observed=False)
            except (NotImplementedError, KeyError):
                continue
        for day, english in (by_language.get("en") or {}).items():
            names = {language: table.get(day) for language, table in by_language.items() if table.get(day)}
            found.setdefault(f"{day.isoformat()}|{english}", names)
    for occasion in occasions:
        if occasion in found:
            tasks.filter(occasion=occasion).update(occasion_names=found[occasion])

class Migration(migrations.Migration):

    dependencies = [
        ("care", "0003_day_in_year"),
    ]

    operations = [
        migrations.AddField(
            model_name="caretask",
            name="occasion_names",
            field=models.JSONField(blank=True, default=dict, verbose_name="occasion names"),
        ),
        migrations.RunPython(name_existing_holiday_tasks, migrations.RunPython.noop),
    ]
