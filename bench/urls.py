"""Bench settings' URLs: the app's, plus the floors (a bare view replaying a page's captured SQL)."""

import json
import os

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import Http404, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

_floors = {}


def _statements(key):
    if not _floors and (path_ := os.environ.get("BENCH_FLOORS")):
        with open(path_) as file:
            _floors.update(json.load(file))
    try:
        return _floors[str(key)]
    except KeyError:
        raise Http404 from None


@login_not_required
def floor(request, key):
    """The page's exact statements, no template, no forms, no ORM: the least the page can cost.
    Writes are rolled back so that a floor can be asked for again and again."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in _statements(key):
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
        transaction.set_rollback(True)
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("__bench/floor/<int:key>/", floor), *app_urlpatterns]
