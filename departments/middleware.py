"""Department staff see what is routed to their department and nothing else of the portfolio
(X-02). The scopes already give them nothing (Account.objects.visible_to answers none); this
fence makes every other page a 404 for them at once, so a page added later cannot leak the
portfolio by forgetting to ask. Their start page is their department's home."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

# What department staff may open besides their own pages: their notices, their password, the
# language, the installable app's files, logging out.
OPEN_NAMESPACES = {"departments", "notifications", "pwa"}
OPEN_NAMES = {"login", "logout", "password_change", "password_change_done", "password_reset",
              "password_reset_done", "password_reset_confirm", "password_reset_complete", "set_language",
              "healthz", "javascript-catalog"}


class DepartmentFenceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "is_department_staff", False):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)  # the 404 page as for anyone
            if match.url_name == "home" and not match.namespace:
                return redirect("departments:home")
            if match.namespace not in OPEN_NAMESPACES and match.url_name not in OPEN_NAMES:
                raise Http404
        return self.get_response(request)
