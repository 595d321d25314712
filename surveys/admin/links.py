"""Links from a survey-side admin page to the promises' activities it is connected with."""

from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.urls import reverse
from django.utils.html import format_html, format_html_join


def activity_links(activities):
    """A list of the activities, each a link to its admin page followed by its period.

    The admin URL name comes from the activity itself: surveys never names a model of the app above it.
    """
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (
                    reverse(admin_urlname(activity._meta, "change"), args=[activity.pk]),
                    activity,
                    activity.focus_area.period,
                )
                for activity in activities
            ),
        ),
    )
