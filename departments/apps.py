from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    """The departments' side of follow-through (X-02, K-22, K-27): their queues, their staff's
    home page, each issue's trail, and the departmental performance report. The rules and the
    rows are the visits app's (routed issues, green-channel requests) and the users app's
    (departments and their staff); this app is the pages over them."""

    name = "departments"
    verbose_name = _("Departments")
