"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work on our machines, so the tests always launch the system
Chromium (`apt-get install -y chromium`, which `.ci/run` does). Where it is missing the browser tests are
skipped with a message saying so, except under CI=true, where they fail: CI must never pass by skipping them.

Headless runs (the default) prefer Debian's chromium-headless-shell, the same Chromium build without the desktop
browser around it, which `.ci/run` installs too: it is what Playwright itself launches for headless Chromium, and
it costs about half the CPU per page of the full browser in headless mode, the larger part of a browser test's
time. `--headed` always needs the full browser.

Set PLAYWRIGHT_CHROMIUM_PATH to use another Chromium binary; pointing it at a file that does not exist is
also how to check the skip (and, with CI=true, the failure) without uninstalling Chromium.
"""

import base64
import os
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

# Playwright's sync API keeps an asyncio event loop running in the main thread for the whole session, and
# Django refuses ORM calls while an event loop runs there (SynchronousOnlyOperation), even though nothing
# here is asynchronous: the fixtures below and the live server's queries are plain blocking calls. Set at
# import time because the `playwright` fixture is session-scoped: once a browser test has started it, every
# later test in the session (browser or not) runs beside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
INSTALL_HINT = "install it with `apt-get install -y chromium` (Debian) or set PLAYWRIGHT_CHROMIUM_PATH"

# Without the background-networking flags Chromium's own connections (updates, sync, safe browsing) are
# refused by the closed network and slow every start; --no-sandbox because the tests run as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@cache
def chromium_path():
    """The Chromium binary to launch, or None when there is none."""
    override = os.environ.get("PLAYWRIGHT_CHROMIUM_PATH")
    if override:
        return override if Path(override).is_file() else None
    if Path(DEFAULT_CHROMIUM).is_file():
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


def _running_in_ci():
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    # Everything under tests/browser needs the browser, whether or not its module remembered the marker.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any fixture: no point building a database and a live server for a browser we cannot start.
    if item.get_closest_marker("browser") is None or chromium_path() is not None:
        return
    override = os.environ.get("PLAYWRIGHT_CHROMIUM_PATH")
    where = f"PLAYWRIGHT_CHROMIUM_PATH={override}" if override else f"{DEFAULT_CHROMIUM} or on PATH"
    message = f"Chromium not found at {where}: {INSTALL_HINT}."
    if _running_in_ci():
        pytest.fail(f"{message} Browser tests must run in CI (CI=true).", pytrace=False)
    pytest.skip(message)


def launch_path(headless):
    """The binary to launch: the headless shell when headless and installed, unless PLAYWRIGHT_CHROMIUM_PATH says."""
    if headless and not os.environ.get("PLAYWRIGHT_CHROMIUM_PATH") and Path(HEADLESS_SHELL).is_file():
        return HEADLESS_SHELL
    return chromium_path()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Extends pytest-playwright's own fixture, so --headed and --slowmo still work.
    path = launch_path(browser_type_launch_args.get("headless", True) is not False)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


# A 1x1 transparent PNG answers every map tile: no test reaches the real tile server, and the tiles' <img> elements
# load under the Content-Security-Policy like real ones.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

# Recorded in every page before its own scripts run (an init script is not subject to the page's policy) and
# reported at once through a function the context exposes, so that nothing is lost when the page navigates away.
# A refusal whose source is no file of the page is one provoked by a script the test itself evaluated (axe-core
# injects a <style> element to measure some colours): the page's own markup and static files always have a source.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    const violation = `${event.violatedDirective} refused ${event.blockedURI || "inline"} at `
        + `${event.sourceFile}:${event.lineNumber}` + (event.sample ? ` (${event.sample})` : "");
    window.__cspViolations.push(violation);
    if (event.sourceFile && window.__reportPolicyViolation) {
        window.__reportPolicyViolation(document.location.href, violation);
    }
});
"""
POLICY_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy", "Permissions policy")


def tile_pattern():
    """The glob that catches requests to MAP_TILE_URL's server."""
    parts = urlsplit(settings.MAP_TILE_URL)
    return f"{parts.scheme}://{parts.netloc}/**"


def watch_policy(context, problems):
    """Collect into `problems` what the Content-Security-Policy or Permissions-Policy refuses to the pages of this
    context: securitypolicyviolation events with a source in the page, and Chromium's Permissions-Policy console
    messages (which have no event). Map tiles are answered with TILE_PNG."""

    def report(source, where, violation):
        problems.append(f"violation on {where}: {violation}")

    def on_console(message):
        if "Permissions policy" in message.text or "Permissions-Policy" in message.text:
            problems.append(f"console {message.type}: {message.text}")

    context.expose_binding("__reportPolicyViolation", report)
    context.add_init_script(RECORD_VIOLATIONS)
    context.route(tile_pattern(), lambda route: route.fulfill(status=200, content_type="image/png", body=TILE_PNG))
    context.on("page", lambda page: page.on("console", on_console))
    return context


@pytest.fixture
def new_context(new_context):
    """pytest-playwright's contexts, each watching the policies (watch_policy): every browser test fails on anything
    the Content-Security-Policy refused to the page, so that every page, form, map and admin screen the browser tests
    use is also a test of the policy (portal/settings.py)."""
    problems = []

    def _new_context(**kwargs):
        return watch_policy(new_context(**kwargs), problems)

    yield _new_context
    assert not problems, "The Content-Security-Policy refused something:\n- " + "\n- ".join(problems)


@pytest.fixture
def site(live_server, content):
    """The live server's base URL, its database holding the portal's real content and example follow-ups.

    live_server runs in another thread, so the data must be committed: pytest-django gives every test that
    uses live_server a transactional database, emptied again after the test (the coordinators' group comes
    back through post_migrate, see promises/permissions.py).
    """
    return live_server.url


@dataclass
class Visit:
    page: object  # playwright.sync_api.Page
    response: object  # playwright.sync_api.Response for the page itself
    failed: list = field(default_factory=list)  # stylesheets, scripts, images… that did not load

    @property
    def size(self):
        return "{width}x{height}".format(**self.page.viewport_size)


@pytest.fixture
def open_page(site, new_context):
    """Open a path of the site in a fresh browser context at a named viewport (see VIEWPORTS)."""

    def _open(path, viewport="desktop"):
        page = new_context(**VIEWPORTS[viewport]).new_page()
        failed = []

        def on_response(response):
            if response.status >= 400 and not response.request.is_navigation_request():
                failed.append(f"{response.status} {response.url}")

        page.on("response", on_response)
        page.on("requestfailed", lambda request: failed.append(f"{request.failure} {request.url}"))
        response = page.goto(site + path, wait_until="load")
        return Visit(page, response, failed)

    return _open
