"""One log line per request, and the request's id on every log line written while it is handled.

The line names the method, the path (never the query string: a search or a form's GET parameters can carry what a
resident typed), the status, the duration in milliseconds and the request id. No address, no cookie, no user
agent: the reverse proxy's own log has the address for as long as the operator keeps it, and this log needs none.

The id comes from the proxy's X-Request-ID header when it sends a plausible one (so that a line here can be found
beside the proxy's), otherwise it is made here; either way the response carries it back in X-Request-ID, so a
resident reporting an error page can quote it.

A view can leave a request out of the log (`leave_out_of_request_log`): a resident's stored survey answer and the
thank-you page after it write no line, so nothing here says when an answer arrived (its row keeps only the date;
surveys/models/survey.py). Refused and failed posts are still written: nothing of them was stored.
"""

import contextvars
import logging
import re
import time
import uuid

logger = logging.getLogger("portal.request")

current_request_id = contextvars.ContextVar("request_id", default=None)

# Letters, digits and a few separators, as nginx's $request_id, uuids and most tracing ids are; anything else a
# client sends is replaced rather than written into the log.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record written while a request is handled (None outside one)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            # Django logs 4xx and 5xx responses after the last middleware has returned, naming the request.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class DisallowedHostAsWarning(logging.Filter):
    """Django logs a Host outside ALLOWED_HOSTS at ERROR with a traceback (django.security.DisallowedHost). Anyone
    can send one (scanners do, all day), so it must not raise an alert: it is kept as a WARNING without the
    traceback, which still names the host for whoever looks into a misconfigured ALLOWED_HOSTS."""

    def filter(self, record):
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = None
        return True


def leave_out_of_request_log(response):
    """Marks a response whose request must not be written to the request log; returns the response.

    For a request whose time would tie what a resident sent to the moment it arrived, and so to the address in the
    reverse proxy's log: the post that stored a survey answer and the thank-you page it leads to. Its status and
    duration are lost with it; a failure still reaches the log from Django's own error logging and the other lines.
    """
    response.leave_out_of_request_log = True
    return response


class RequestLogMiddleware:
    """Outermost middleware: measures the whole request and sees the final status, error pages included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # From META and not request.headers, which would build a dict of every header for this one.
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            if getattr(response, "leave_out_of_request_log", False):
                return response
            logger.info(
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            current_request_id.reset(token)
