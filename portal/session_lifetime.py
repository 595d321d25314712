"""An absolute limit on a logged-in session: SESSION_ABSOLUTE_MAX_AGE after the login it ends, however active.

Django's own limit (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST) is an idle time-out, so a session in
daily use, or a stolen session cookie kept busy, would otherwise never end. The login time is stamped into
the session at login; a session without a stamp (one from before this existed) gets one on its next request.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in

LOGIN_TIME_SESSION_KEY = "portal_login_time"
EXPIRED_MESSAGE = (
    "Du har loggats ut eftersom du varit inloggad i {duration}, som är det längsta en inloggning får vara. "
    "Logga in igen för att fortsätta."
)


def _duration(seconds):
    if seconds % 3600 == 0:
        return f"{seconds // 3600} timmar" if seconds != 3600 else "en timme"
    return f"{max(1, seconds // 60)} minuter"


def _stamp_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_SESSION_KEY] = int(time.time())


user_logged_in.connect(_stamp_login_time, dispatch_uid="portal.session_lifetime.stamp_login_time")


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only sessions that hold a login: reading request.user for an anonymous visitor without a session
        # cookie would be wasted work on every public page.
        if request.session.session_key is not None and request.user.is_authenticated:
            started = request.session.get(LOGIN_TIME_SESSION_KEY)
            now = int(time.time())
            if started is None:
                request.session[LOGIN_TIME_SESSION_KEY] = now
            elif now - started >= settings.SESSION_ABSOLUTE_MAX_AGE:
                logout(request)
                # After logout(): the flushed session is new, and the message goes with it to the login page.
                messages.info(request, EXPIRED_MESSAGE.format(duration=_duration(settings.SESSION_ABSOLUTE_MAX_AGE)))
        return self.get_response(request)
