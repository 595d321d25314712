"""The weekly digest's pages: the person's own setting in the admin, and the link in every digest that turns it off.

Mina inställningar (/admin/mina-installningar/) is an ordinary admin page for the logged-in person. The off link
(/admin/veckobrev/av/<token>/) needs no login: the signed token names the person (portal/digest.py). GET shows a
page with a button, so that a mail scanner that follows links turns nothing off; POST turns the digest off, and
is what a mail program's own unsubscribe button sends (RFC 8058 one-click: no CSRF token, no cookie).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from portal.digest import coordinator_for_off_token
from portal.models import Coordinator
from portal.scoping import coordinator_for


class DigestSettingsForm(forms.ModelForm):
    class Meta:
        model = Coordinator
        fields = ["digest_enabled"]
        labels = {"digest_enabled": gettext_lazy("Skicka mig veckobrevet")}
        # The page says what the digest holds; the model's help text (for national administrators) would repeat it.
        help_texts = {"digest_enabled": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


def my_settings_view(request):
    """The logged-in person's own settings (wrapped in admin_view: staff only)."""
    coordinator = coordinator_for(request.user)
    form = None
    if coordinator is not None:
        if request.method == "POST":
            form = DigestSettingsForm(request.POST, instance=coordinator)
            if form.is_valid():
                form.save()
                if coordinator.digest_enabled:
                    messages.success(request, _("Veckobrevet är påslaget."))
                else:
                    messages.success(request, _("Veckobrevet är avstängt."))
                return HttpResponseRedirect(reverse("admin:my_settings"))
        else:
            form = DigestSettingsForm(instance=coordinator)
    context = {
        **admin.site.each_context(request),
        "title": _("Mina inställningar"),
        "subtitle": None,
        "form": form,
        "coordinator": coordinator,
        "email": request.user.email,
    }
    status = 400 if form is not None and form.errors else 200
    return TemplateResponse(request, "admin/portal/my_settings.html", context, status=status)


@csrf_exempt
@never_cache
@login_not_required
def digest_off_view(request, token):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    coordinator = coordinator_for_off_token(token)
    context = {
        **admin.site.each_context(request),
        "title": _("Stäng av veckobrevet"),
        "subtitle": None,
        "coordinator": coordinator,
        "settings_url": reverse("admin:my_settings"),
    }
    if coordinator is None:
        return TemplateResponse(request, "admin/portal/digest_off.html", {**context, "invalid": True}, status=400)
    if request.method == "POST":
        Coordinator.objects.filter(pk=coordinator.pk).update(digest_enabled=False)
        return TemplateResponse(request, "admin/portal/digest_off.html", {**context, "done": True})
    return TemplateResponse(request, "admin/portal/digest_off.html", context)
