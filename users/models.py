from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People whose work `user` may see: admins everyone, others their teams."""
        if user.is_admin:
            return self
        return self.filter(Q(pk=user.pk) | Q(team__in=Team.objects.visible_to(user))).distinct()

    def managers(self):
        return self.filter(role=User.Role.MANAGER, is_active=True)

    def staff(self, *, include_departed=False):
        """The people who carry accounts (K-05): managers and supervisors, not admins. Not
        Django's is_staff, which is the admin site's flag. Active ones unless asked otherwise:
        a report still names someone who left."""
        people = self.filter(role__in=[User.Role.MANAGER, User.Role.SUPERVISOR])
        return people if include_departed else people.filter(is_active=True)


class CrmUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    class Role(models.TextChoices):
        MANAGER = "manager", _("Account manager")
        SUPERVISOR = "supervisor", _("Supervisor")
        ADMIN = "admin", _("Admin")
        # Service, finance, technical… staff: they see only what is routed to their department.
        DEPARTMENT = "department", _("Department staff")

    display_name = models.CharField(
        _("display name"), max_length=150, blank=True,
        help_text=_("The name colleagues know, e.g. 王小明. Shown instead of the username."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MANAGER)
    team = models.ForeignKey(
        "users.Team", verbose_name=_("team"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="members",
    )
    department = models.ForeignKey(
        "users.Department", verbose_name=_("department"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="members",
        help_text=_("For department staff: the department whose queue they work."),
    )
    language = models.CharField(
        _("e-mail language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails the CRM sends you."),
    )

    objects = CrmUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_role_valid", condition=Q(role__in=["manager", "supervisor", "admin", "department"]),
            ),
            # Department staff belong to exactly one department; nobody else belongs to one
            # (a department member carries no accounts, so scopes can ask the role alone).
            models.CheckConstraint(
                name="user_department_iff_staff",
                condition=Q(role="department", department__isnull=False)
                | (~Q(role="department") & Q(department__isnull=True)),
            ),
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def is_supervisor(self):
        return self.role == self.Role.SUPERVISOR

    @property
    def is_department_staff(self):
        return self.role == self.Role.DEPARTMENT and not self.is_superuser

    def supervises(self, person):
        """Whether this user leads `person`'s team: the permission behind every sign-off,
        approval and follow-up a supervisor does for their people."""
        if self.role in (self.Role.MANAGER, self.Role.DEPARTMENT):  # only supervisors and admins lead teams
            return False
        return person is not None and person.team_id is not None and person.team.supervisor_id == self.pk


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_admin:
            return self
        return self.filter(Q(supervisor=user) | Q(members=user)).distinct()

    def with_people(self):
        return self.select_related("supervisor").prefetch_related("members")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100)
    supervisor = models.ForeignKey(
        User, verbose_name=_("supervisor"), on_delete=models.PROTECT,
        related_name="supervised_teams",
        help_text=_("Signs off the members' monthly visit logs and approves their tier changes."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="team_name_unique")]

    def __str__(self):
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Department(models.Model):
    """A department that resolves what account managers route to it (X-02, K-22, K-27): service,
    finance, technical, logistics… Named in each of the three languages: a Chinese reader never
    sees a name frozen in English."""

    code = models.SlugField(_("code"), max_length=50, help_text=_("A short name for links and exports, e.g. service."))
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh_hans = models.CharField(_("name (简体中文)"), max_length=100, blank=True)
    name_zh_hant = models.CharField(_("name (繁體中文)"), max_length=100, blank=True)
    head = models.ForeignKey(
        User, verbose_name=_("head"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="headed_departments",
        help_text=_("Hears of everything overdue in the department's queue."),
    )
    active = models.BooleanField(_("takes new work"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code"], name="department_code_unique")]

    def __str__(self):
        from core.text import in_reader_language

        return in_reader_language({"en": self.name_en, "zh-hans": self.name_zh_hans, "zh-hant": self.name_zh_hant},
                                  self.code)

    def clean(self):
        # The head works in the department (the admin site's form asks this too, not only the service).
        if self.head_id and (self.pk is None or self.head.department_id != self.pk):
            raise ValidationError({"head": _("%(user)s is not a member of %(department)s.")
                                   % {"user": self.head, "department": self}})
