"""No lost updates: an admin form remembers the version it was opened at and refuses a save from a stale one.

Written here rather than taken from a library because it is small and has to cooperate with two things a
library would not know about: django-simple-history (to say who saved in between, and what they changed)
and the approval rule that a change withdraws earlier approvals.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VersionedAdminForm(forms.ModelForm):
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The database's version, not the instance's: a revert form starts from an old copy of the row.
            self.fields["edit_version"].initial = self._current_version(lock=False)

    def _current_version(self, *, lock):
        queryset = type(self.instance).objects.filter(pk=self.instance.pk)
        if lock:
            # Held until the admin's transaction (which wraps validation and save) ends.
            queryset = queryset.select_for_update()
        return queryset.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        submitted = cleaned_data.get("edit_version")
        current = self._current_version(lock=True)
        if current is not None and submitted != current:
            self._accept_current_version(current)
            raise forms.ValidationError(self._conflict_message(submitted), code="stale")
        return cleaned_data

    def _accept_current_version(self, current):
        # The refused input stays in the form; the next save is a deliberate overwrite of what the other
        # person saved, made after reading this message.
        self.data = self.data.copy()
        self.data[self.add_prefix("edit_version")] = str(current)

    def _conflict_message(self, submitted):
        latest = self.instance.history.order_by("-history_date", "-history_id").select_related("history_user").first()
        who = _("någon annan")
        when = ""
        changed = []
        if latest is not None:
            if latest.history_user is not None:
                who = latest.history_user.get_full_name() or latest.history_user.get_username()
            when = timezone.localtime(latest.history_date).strftime("%H:%M")
            previous = latest.prev_record
            if previous is not None:
                delta = latest.diff_against(previous)
                changed = [
                    str(type(self.instance)._meta.get_field(change.field).verbose_name) for change in delta.changes
                ]
        fields = ", ".join(f for f in changed if f != str(_("version")))
        message = _(
            "%(who)s sparade den här posten %(when)s medan du redigerade den. Dina ändringar är inte sparade, "
            "men allt du skrev finns kvar nedan."
        ) % {"who": who, "when": when}
        if fields:
            message += " " + _("De ändrade: %(fields)s.") % {"fields": fields}
        message += " " + _(
            "Öppna posten i en ny flik för att se deras version, och spara sedan igen om dina ändringar ska gälla."
        )
        return message
