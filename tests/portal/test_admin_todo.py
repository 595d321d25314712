"""The admin start page's to-do list is made of what the apps above portal register (portal.admin_site)."""

import pytest
from django.urls import reverse
from django.utils.html import format_html

from portal import admin_site
from promises.admin.workflow import admin_todo

pytestmark = pytest.mark.django_db


def test_promises_registers_its_part_when_the_app_is_ready():
    assert admin_todo in admin_site._todo_providers


def test_every_registered_part_is_shown_under_one_heading(admin_client_for, monkeypatch):
    monkeypatch.setattr(admin_site, "_todo_providers", list(admin_site._todo_providers))
    admin_site.register_todo(lambda request: format_html("<p>{}</p>", "Tre enkäter väntar på granskning."))
    admin_site.register_todo(lambda request: "")  # nothing to do: no trace on the page

    content = admin_client_for.get(reverse("admin:index")).content.decode()

    assert content.count('id="todo-heading"') == 1
    assert "Inget väntar på dig just nu" in content  # the promises' part
    assert "<p>Tre enkäter väntar på granskning.</p>" in content
