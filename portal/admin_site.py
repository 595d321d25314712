from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

# The start page's to-do list is made of what the apps above portal register (promises: follow-ups and approvals);
# portal imports none of them.
_todo_providers = []
_todo_order = {}


def register_todo(provider, *, order=50):
    """Adds a part to the admin start page's to-do list, from an AppConfig.ready().

    `provider(request)` returns the part's HTML (render_to_string with the request), or "" when it has nothing.
    Parts are shown by `order`, then in the order registered: apps are ready in INSTALLED_APPS order, which
    puts portal first, but the follow-ups (50) are the job and come before residents' input and the rest.
    """
    if provider not in _todo_providers:
        _todo_providers.append(provider)
        _todo_order[provider] = order
        _todo_providers.sort(key=lambda part: _todo_order.get(part, 50))
    return provider


class PortalAdminSite(admin.AdminSite):
    site_header = _("Medborgarlöften – administration")
    site_title = _("Medborgarlöften")
    index_title = _("Att göra och alla register")
    index_template = "admin/portal_index.html"
    # Asks for a two-factor code when ADMIN_OTP_REQUIRED (portal/two_factor.py); otherwise Django's own form.
    login_template = "admin/portal_login.html"

    @property
    def login_form(self):
        from portal.two_factor import AdminLoginForm

        return AdminLoginForm

    def has_permission(self, request):
        # With ADMIN_OTP_REQUIRED, a staff user who logged in without a valid code is treated as not staff:
        # every admin page sends them to the login (or, with no device yet, to the enrolment page).
        from portal import two_factor

        if not super().has_permission(request):
            return False
        return not two_factor.required() or request.user.is_verified()

    def admin_view(self, view, cacheable=False):
        if view == self.logout:
            # Logging out needs no permission: someone in the middle of enrolling must be able to (Django's
            # admin_view would send a user it does not let in to the index instead).
            return update_wrapper(never_cache(csrf_protect(view)), view)
        protected = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            from portal import two_factor

            if two_factor.must_enrol(request):
                return HttpResponseRedirect(reverse("admin:two_factor_enrol", current_app=self.name))
            return protected(request, *args, **kwargs)

        return update_wrapper(inner, protected)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        from portal import login_throttling, two_factor

        if request.method == "GET" and two_factor.must_enrol(request):
            return HttpResponseRedirect(reverse("admin:two_factor_enrol", current_app=self.name))
        # Per address, over all usernames; django-axes counts per username and address (settings).
        if request.method == "POST" and login_throttling.address_is_blocked(request):
            return login_throttling.address_lockout_response(request)
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 200:
            # The form came back: a wrong password or code (a login redirects).
            login_throttling.count_failure(request)
        return response

    def get_urls(self):
        from portal import digest_views, two_factor

        # Not admin_view(): these are exactly the pages for a staff user who is not (yet) allowed the rest.
        def own(view):
            return update_wrapper(never_cache(csrf_protect(view)), view)

        # Django's "view on site" shortcut (/admin/r/…) is replaced by one that checks the user's kommuner.
        urls = [
            path(str(url.pattern), self.admin_view(self.view_on_site), name="view_on_site")
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in super().get_urls()
        ]
        return [
            path("tvastegsverifiering/", own(two_factor.enrol_view), name="two_factor_enrol"),
            path("tvastegsverifiering/reservkoder/", own(two_factor.backup_codes_view), name="two_factor_backup_codes"),
            path("mina-installningar/", self.admin_view(digest_views.my_settings_view), name="my_settings"),
            # No login: the signed token in the address is the permission (portal/digest_views.py).
            path("veckobrev/av/<str:token>/", digest_views.digest_off_view, name="digest_off"),
            *urls,
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """/admin/r/<content type>/<id>/ ("Visa på webbplats"), for objects the user may see in the admin only.

        Django's shortcut redirects any staff user to any object's public address: a coordinator counting ids
        would learn every kommun's draft periods and follow-ups (their addresses name the kommun and the years).
        Here an object outside the user's kommuner, or of a model the user may not view, is not found, and an
        object whose admin has a page of its own for it (a draft's preview) is sent there, never to an address
        that is not public yet.
        """
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut
        from django.core.exceptions import ValidationError

        from portal.scoping import is_national_admin, scope

        not_found = Http404(gettext_now("Posten finns inte, eller hör till en kommun du inte är samordnare för."))
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist):
            raise not_found from None
        model_admin = self._registry.get(model)
        if model is None or (model_admin is None and not is_national_admin(request.user)):
            raise not_found
        try:
            obj = scope(model._default_manager.filter(pk=object_id), request.user).first()
        except (ValueError, ValidationError):
            raise not_found from None
        if obj is None or (model_admin is not None and not model_admin.has_view_or_change_permission(request, obj)):
            raise not_found
        own_url = reverse("admin:view_on_site", args=[content_type_id, object_id], current_app=self.name)
        admin_url = model_admin.get_view_on_site_url(obj) if model_admin is not None else None
        if admin_url and admin_url != own_url:
            return HttpResponseRedirect(admin_url)
        return shortcut(request, content_type_id, object_id)

    def index(self, request, extra_context=None):
        todo = [part for provider in _todo_providers if (part := provider(request))]
        extra_context = {**(extra_context or {}), "todo": todo}
        return super().index(request, extra_context)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
