"""Throttled admin login: django-axes locks a username at one address out after a few wrong passwords
(settings "Admin sign-in"); this module adds the limit per address and the Swedish lockout page for both.

The page is the admin's own look, says until when the lockout lasts and whom to ask, and never shows the
username that was tried or a stack trace.
"""

import datetime

from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import get_usage

LOCKOUT_TEMPLATE = "admin/login_locked_out.html"
ADDRESS_GROUP = "admin-login-failures-per-address"


def client_address(group, request):
    """The client's address exactly as axes sees it (REMOTE_ADDR or the proxy's header, settings)."""
    return get_client_ip_address(request) or ""


def _address_usage(request, *, increment):
    return get_usage(
        request,
        group=ADDRESS_GROUP,
        key=client_address,
        rate=settings.ADMIN_LOGIN_FAILURES_PER_ADDRESS,
        method="POST",
        increment=increment,
    )


def address_is_blocked(request):
    """Whether this address has had too many failed logins, over all usernames, in the current window."""
    usage = _address_usage(request, increment=False)
    # get_usage compares count > limit; without incrementing, count == limit already means "no more".
    return usage is not None and usage["count"] >= usage["limit"]


def count_failure(request):
    _address_usage(request, increment=True)


def address_lockout_response(request):
    usage = _address_usage(request, increment=False)
    seconds = usage["time_left"] if usage else 60 * 60
    return _render(request, try_again_at=timezone.now() + datetime.timedelta(seconds=seconds), per_address=True)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a locked-out username+address. The cool-off counts from this (failed) attempt."""
    cool_off = get_cool_off(request) or datetime.timedelta(minutes=15)
    return _render(request, try_again_at=timezone.now() + cool_off, per_address=False)


def _render(request, *, try_again_at, per_address):
    # Rounded up to the next whole minute: "efter 14:05" must never be a minute too early.
    local = timezone.localtime(try_again_at)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    context = {
        **admin.site.each_context(request),
        "title": "För många misslyckade inloggningar",
        "try_again_at": local,
        "minutes": max(1, round((try_again_at - timezone.now()).total_seconds() / 60)),
        "per_address": per_address,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "support_email": settings.ADMIN_SUPPORT_EMAIL,
    }
    response = render(request, LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(max(1, int((try_again_at - timezone.now()).total_seconds())))
    return response
