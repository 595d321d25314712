"""The status box a kommun embeds on its own website, in a real browser: inside an <iframe> on another site's page,
at the narrow widths a sidebar gives it, and the snippet on the kommun page. axe-core finds nothing."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import VIEWPORTS
from tests.browser.test_accessibility import _OUTLINE_SCRIPT, format_violations, heading_outline_problems

pytestmark = pytest.mark.browser

_axe = Axe()

PAGES = [
    "/vindeln/inbaddning/",  # example follow-ups, a missing year
    "/en/umea/inbaddning/",  # English, the extension period
    "/robertsfors/inbaddning/",  # no follow-up published
    "/bjurholm/inbaddning/",  # no promise published
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES, ids=[path.strip("/").replace("/", "_") for path in PAGES])
def test_box_has_no_axe_violations_and_a_sound_outline(open_page, path, viewport):
    visit = open_page(path, viewport)

    assert visit.response.status == 200
    violations = _axe.run(visit.page).response["violations"]
    assert not violations, format_violations(violations, where=f"{path} at {visit.size}")
    problems = heading_outline_problems(visit.page.evaluate(_OUTLINE_SCRIPT))
    assert not problems, f"{path}: {problems}"
    assert not visit.failed, f"{path}: resources that failed to load: {visit.failed}"


@pytest.mark.parametrize("width", [280, 320])
def test_box_fits_a_narrow_sidebar(site, new_context, width):
    page = new_context(viewport={"width": width, "height": 600}).new_page()
    page.goto(site + "/vindeln/inbaddning/")

    sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], f"the box scrolls sideways at {width}px: {sizes[0]}px wide"


class _HostPage(BaseHTTPRequestHandler):
    """Another website: a kommun's page with the snippet pasted in, and a frame of a page that may not be framed."""

    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def host_site(site):
    """A page on another origin (127.0.0.1 against the live server's localhost) holding the kommun page's snippet."""
    servers = []

    def serve(html):
        handler = type("Host", (_HostPage,), {"body": html.encode()})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def _snippet(page, site):
    page.goto(site + "/vindeln/")
    page.get_by_text("Visa koden för rutan").click()
    return page.locator("#embed-code").input_value()


def test_the_snippet_shows_the_box_on_another_site_and_its_links_leave_the_frame(site, new_context, host_site):
    page = new_context(**VIEWPORTS["desktop"]).new_page()
    snippet = _snippet(page, site)
    assert snippet.startswith(f'<iframe src="{site}/vindeln/inbaddning/"')
    host = host_site(
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Vindelns kommun</title></head>'
        f"<body><main><h1>Trygghet i Vindeln</h1>{snippet}"
        f'<iframe id="denied" src="{site}/vindeln/" title="Kommunsidan"></iframe></main></body></html>'
    )

    page.goto(host)

    box = page.frame_locator('iframe[src$="/vindeln/inbaddning/"]')
    assert box.get_by_role("heading", level=1).inner_text() == "Medborgarlöften i Vindelns kommun"
    assert box.get_by_text("Fokusområdenas status 2024").is_visible()
    # The kommun page itself refuses the frame (frame-ancestors 'none'): nothing of it is shown.
    denied = next(frame for frame in page.frames if frame.url.endswith("/vindeln/") or "chrome-error" in frame.url)
    assert "Medborgarlöften i Vindelns kommun" not in denied.content()

    box.get_by_role("link", name="Läs hela medborgarlöftet 2023–2025").click()
    page.wait_for_url(f"{site}/vindeln/2023-2025/")
    assert page.url == f"{site}/vindeln/2023-2025/"  # the whole window, not the frame


def test_the_snippet_section_on_the_kommun_page_has_no_axe_violations(site, new_context):
    for viewport in VIEWPORTS:
        page = new_context(**VIEWPORTS[viewport]).new_page()
        page.goto(site + "/vindeln/")
        page.get_by_text("Visa koden för rutan").click()
        assert page.locator("#embed-code").is_visible()

        violations = _axe.run(page).response["violations"]
        assert not violations, format_violations(violations, where=f"/vindeln/ with the snippet open at {viewport}")
