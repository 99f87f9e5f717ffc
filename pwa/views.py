"""The installable web app: what a phone needs to add the CRM to its home screen and to open it
with a weak signal. Everything it caches is under static/ (no CDN)."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THEME = "#0d6efd"  # the favicon's blue (static/favicon.svg)
# The app shell: every page loads these (templates/base.html), so a page opened offline from the
# cache still has its layout and its scripts (the offline queue of visits is in app.js).
SHELL = [
    "vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js", "vendor/htmx/htmx.min.js",
    "css/app.css", "js/app.js", "favicon.svg", "icons/icon-192.png", "icons/icon-512.png",
]
ICONS = [("icons/icon-192.png", "192x192", "any"), ("icons/icon-512.png", "512x512", "any"),
         ("icons/icon-maskable-512.png", "512x512", "maskable")]


@login_not_required
@require_GET
def service_worker(request):
    """static's URLs are hashed in production (ManifestStaticFilesStorage), so the worker is a
    template: it names them exactly, and its version changes whenever one of them does, which
    makes the browser install the new worker and drop the old caches."""
    shell = [static(name) for name in SHELL]
    offline_url = reverse("pwa:offline")
    version = hashlib.sha256("\n".join([*shell, offline_url]).encode()).hexdigest()[:12]
    response = render(request, "pwa/sw.js", {"shell": shell, "offline_url": offline_url, "version": version,
                                             "static_prefix": settings.STATIC_URL},
                      content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # the browser checks for a new worker on every load
    return response


@login_not_required
@require_GET
def manifest(request):
    data = {
        "name": _("KAM CRM"), "short_name": _("KAM CRM"),
        "description": _("Key accounts, visits and care, also on the road."),
        "lang": request.LANGUAGE_CODE, "start_url": "/", "scope": "/", "display": "standalone",
        "theme_color": THEME, "background_color": "#ffffff",
        "icons": [{"src": static(src), "sizes": sizes, "type": "image/png", "purpose": purpose}
                  for src, sizes, purpose in ICONS],
        "shortcuts": [{"name": _("Log a visit"), "url": reverse("visits:create")}],
    }
    response = JsonResponse(data, content_type="application/manifest+json",
                            json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Cookie, Accept-Language"  # the names are in the reader's language
    return response


@login_not_required
@require_GET
def offline(request):
    return render(request, "pwa/offline.html", {"title": _("You are offline")})
