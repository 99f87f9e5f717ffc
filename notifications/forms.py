from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import OutboxMessage
from notifications.models import Channel, Kind, Robot, Webhook, WebhookEvent, default_enabled
from users.forms import find_team_by_name
from users.models import Team


class NotificationFilter(forms.Form):
    STATES = [("", _("All")), ("unread", _("Unread")), ("read", _("Read"))]

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Every kind")), *Kind.choices])
    state = forms.ChoiceField(label=_("Show"), required=False, choices=STATES)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["kind"]:
            queryset = queryset.filter(kind=self.cleaned_data["kind"])
        if self.cleaned_data["state"] == "unread":
            queryset = queryset.filter(read_at__isnull=True)
        elif self.cleaned_data["state"] == "read":
            queryset = queryset.filter(read_at__isnull=False)
        return queryset


def field_name(kind, channel):
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    """A kind × channel grid of checkboxes, and quiet hours."""

    quiet_starts = forms.TimeField(label=_("Quiet from"), required=False,
                                   widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    quiet_ends = forms.TimeField(label=_("Quiet until"), required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                 help_text=_("Nothing is e-mailed or posted to your chats in these hours; "
                                             "it goes out when they end. 22:00 to 07:00 spans the night."))

    def __init__(self, *args, enabled, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            for channel in Channel:
                self.fields[field_name(kind, channel)] = forms.BooleanField(
                    required=False, initial=channel in enabled[kind],
                    label=f"{kind.label}: {channel.label}")

    def rows(self):
        """For the template: one row per kind, one bound checkbox per channel."""
        return [(kind.label, [self[field_name(kind, channel)] for channel in Channel]) for kind in Kind]

    def choices(self):
        return {(kind.value, channel.value): self.cleaned_data[field_name(kind, channel)]
                for kind in Kind for channel in Channel}


def defaults_grid():
    return {kind: {c for c in Channel if default_enabled(kind, c)} for kind in Kind}


class RobotForm(forms.ModelForm):
    team = forms.ModelChoiceField(label=_("For"), required=False, queryset=None,
                                  empty_label=_("Me only"),
                                  help_text=_("A team's robot posts to that team's group chat."))

    class Meta:
        model = Robot
        fields = ["platform", "url", "secret"]
        # Every platform's webhook is https: an address pasted without its scheme means that.
        field_classes = {"url": partial(forms.URLField, assume_scheme="https")}
        help_texts = {"secret": _("DingTalk and Feishu: the signing secret shown when you add the robot "
                                  "with signing on. WeCom has none.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_admin:
            self.fields["team"].queryset = Team.objects.order_by("name")
            find_team_by_name(self.fields["team"], user)
            self.order_fields(["team", "platform", "url", "secret"])
        else:
            del self.fields["team"]
        self.fields["url"].widget.attrs["placeholder"] = "https://…"

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("The address starts with https://."))
        return url


class OutboxFilter(forms.Form):
    """The admin's filter over what the system sends."""

    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("Every state")), *OutboxMessage.State.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("Every channel")), *OutboxMessage.Channel.choices])
    q = forms.CharField(label=_("Recipient"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"placeholder": _("Address contains…"), "type": "search"}))

    def filter(self, queryset):
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["state"]:
            queryset = queryset.in_state(data["state"])
        if data["channel"]:
            queryset = queryset.filter(channel=data["channel"])
        if data["q"]:
            queryset = queryset.filter(recipient__icontains=data["q"])
        return queryset


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(label=_("Events"), choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("Each kind sends its created, changed and removed events."))
    new_secret = forms.BooleanField(label=_("Make a new signing secret"), required=False,
                                    help_text=_("The receiver must be given it: signatures made with the old "
                                                "one stop verifying."))

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "active"]
        field_classes = {"url": partial(forms.URLField, assume_scheme="https")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["new_secret"]  # a new webhook gets its first secret anyway
