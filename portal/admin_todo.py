"""Portal's own part of the admin start page's to-do list: accessibility feedback not yet handled.

Registered in PortalConfig.ready(). Feedback is about the website, not a kommun, and only national
administrators read it (portal/admin.py AccessibilityFeedbackAdmin), so coordinators never see this part.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from portal.models import AccessibilityFeedback
from portal.scoping import is_national_admin


def accessibility_feedback_todo(request):
    if not is_national_admin(request.user):
        return ""
    count = AccessibilityFeedback.objects.filter(handled=False).count()
    if not count:
        return ""
    url = reverse("admin:portal_accessibilityfeedback_changelist") + "?handled__exact=0"
    text = ngettext(
        "%(count)d synpunkt om tillgänglighet är inte hanterad",
        "%(count)d synpunkter om tillgänglighet är inte hanterade",
        count,
    ) % {"count": count}
    return render_to_string("admin/portal/accessibility_todo.html", {"text": text, "url": url}, request=request)
