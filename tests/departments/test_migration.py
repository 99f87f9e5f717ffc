"""X-02: the free-text "routed to" and "dispatched to" of before become departments where the words
name one, named in all three languages (visits migration 0015); other words a department of their own."""

import importlib

import pytest
from django.apps import apps

from users.models import Department

pytestmark = pytest.mark.django_db

migration = importlib.import_module("visits.migrations.0015_departments_from_texts")


def test_x02_known_words_in_any_language_become_one_named_department():
    department_for = migration._finder(apps)
    service = department_for("售后 After-sales")
    assert (service.code, service.name_zh_hans, service.name_zh_hant) == ("service", "客户服务部", "客戶服務部")
    assert department_for("Service team") == service == department_for("售後")
    assert department_for("财务").code == "finance" and department_for("R&D").code == "technical"
    assert department_for("Logistics").code == "logistics"
    assert department_for("") is None and department_for("   ") is None


def test_x02_other_words_are_kept_as_a_department_of_that_name():
    department_for = migration._finder(apps)
    quality = department_for("Quality Control")
    assert (quality.code, quality.name_en, quality.name_zh_hans) == ("quality-control", "Quality Control",
                                                                     "Quality Control")
    assert department_for("Quality Control") == quality
    assert Department.objects.count() == 1
