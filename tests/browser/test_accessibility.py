"""Accessibility of the public pages, checked in a real browser with the portal's real content.

axe-core finds what a machine can find (contrast, names, landmarks, ARIA); the other tests check what a
keyboard or screen-reader user meets first: the skip link, one h1, one main landmark, an unbroken heading
outline, and on a phone a page that does not scroll sideways.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

# (path, expected HTTP status): every kind of public page, with the real content loaded by `load_content`.
PAGES = [
    ("/", 200),  # home
    ("/vindeln/", 200),  # kommun whose latest period has example follow-ups
    ("/umea/", 200),  # kommun with two periods, the later extending the earlier
    ("/bjurholm/", 200),  # kommun without a published promise
    ("/umea/2021-2022/", 200),  # ended period with follow-ups for both years
    ("/umea/2023-2024/", 200),  # the extension
    ("/vindeln/2023-2025/", 200),  # one follow-up year still missing
    ("/robertsfors/2023-2025/", 200),  # no follow-ups at all
    ("/umea/2021-2022/uppfoljning/2021/", 200),  # a yearly follow-up
    ("/vindeln/2023-2025/uppfoljning/2024/", 200),  # five focus areas followed up, four without activities
    ("/vindeln/2023-2025/dokument/", 200),  # the promise as a printable, signed document
    ("/umea/2023-2024/dokument/", 200),  # …with lines to sign on
    ("/umea/2021-2022/uppfoljning/2021/rapport/", 200),  # the yearly follow-up as a printable report
    ("/finns-inte/", 404),  # the 404 page
    ("/vindel/", 404),  # …for an unknown kommun, with its address in the find field
    ("/sok/kommun/?namn=n", 200),  # the find field's answer: the kommuner a name fits (test_find_municipality_pages.py)
    ("/platser/", 200),  # unsafe places: list and filters (no places in the content; the map: test_unsafe_place_map.py)
    ("/platser/rapportera/", 200),  # the public report form
    ("/platser/rapportera/tack/", 200),  # …and its thanks page (with a reference: test_unsafe_place_map.py)
    ("/platser/rapport/", 200),  # follow a report: type its reference (its status page: test_unsafe_place_map.py)
    ("/platser/rapport/K7QF2-M3XDW/", 404),  # …an unknown reference
    ("/dialoger/", 200),  # dialogues and safety walks: the 2016 Umeå dialogues (detail: test_dialogue_pages.py)
    ("/dialoger/?kommun=umea", 200),  # …for one kommun, with its calendar and suggestion links
    ("/umea/synpunkt/", 200),  # the suggestion form
    ("/umea/synpunkt/tack/", 200),  # …and its thanks page
    ("/umea/prenumerera/", 200),  # e-mail subscription form (pages with a real link: test_subscription_pages.py)
    ("/umea/prenumerera/skickat/", 200),  # …"look in your e-mail"
    ("/umea/prenumerera/avsluta/inte-en-lank/", 400),  # …a link cut short
    ("/vindeln/inbaddning/", 200),  # the status box a kommun embeds on its own website (more: test_embed_pages.py)
]
PAGE_IDS = [path.strip("/").replace("/", "_") or "home" for path, _ in PAGES]

_axe = Axe()


def _format_target(target):
    # A target is a list of selectors; a nested list means a path through iframes or shadow roots.
    return " >>> ".join(" ".join(part) if isinstance(part, list) else part for part in target)


def format_violations(violations, *, where):
    lines = [f"{len(violations)} axe-core violation(s) on {where}:"]
    for violation in violations:
        lines.append(f"\n* {violation['id']} [{violation['impact']}]: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - target: {_format_target(node['target'])}")
            lines.append(f"    html:   {' '.join(node['html'].split())[:200]}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"    fix:    {summary[:400]}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])  # 1280x900 and 390x844, see conftest.py
@pytest.mark.parametrize(("path", "status"), PAGES, ids=PAGE_IDS)
def test_page_has_no_axe_violations(open_page, path, status, viewport):
    visit = open_page(path, viewport)
    assert visit.response.status == status, f"{path} answered {visit.response.status}, expected {status}"

    results = _axe.run(visit.page)

    violations = results.response["violations"]
    assert not violations, format_violations(violations, where=f"{path} at {viewport} ({visit.size})")


def test_first_tab_reaches_skip_link_that_moves_focus_to_main(open_page):
    page = open_page("/").page

    page.keyboard.press("Tab")

    focused = page.evaluate(
        """() => {
            const el = document.activeElement;
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(),
                href: el.getAttribute("href"),
                text: el.textContent.trim(),
                visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
                    && box.top < window.innerHeight && box.left < window.innerWidth,
            };
        }"""
    )
    assert focused["tag"] == "a", f"the first Tab focused <{focused['tag']}>, not the skip link"
    assert focused["href"] in {"#main", "#huvudinnehall"}, f"the first Tab focused a link to {focused['href']}"
    assert "innehåll" in focused["text"].lower(), f"the skip link reads {focused['text']!r}"
    assert focused["visible"], "the skip link must be visible while it has focus (WCAG 2.4.7)"

    page.keyboard.press("Enter")

    in_main = page.evaluate(
        """() => {
            const main = document.querySelector("main, [role=main]");
            const el = document.activeElement;
            return { ok: !!main && (el === main || main.contains(el)), focused: el.outerHTML.slice(0, 120) };
        }"""
    )
    assert in_main["ok"], f"after the skip link, focus is on {in_main['focused']}, not in the main landmark"


# Headings the browser renders (display:none ones are left out of the accessibility tree too), in document
# order, with their level: h1-h6 and role=heading with aria-level.
_OUTLINE_SCRIPT = """() => {
    const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]")]
        .filter((el) => el.checkVisibility());
    return {
        h1: document.querySelectorAll("h1").length,
        main: document.querySelectorAll("main").length,
        roleMain: document.querySelectorAll("[role=main]:not(main)").length,
        headings: headings.map((el) => ({
            level: Number(el.getAttribute("aria-level") || el.tagName.slice(1)) || 2,
            text: el.textContent.trim().replace(/\\s+/g, " ").slice(0, 60),
        })),
    };
}"""

_OVERFLOW_SCRIPT = """() => {
    const root = document.documentElement;
    const wide = [...document.body.querySelectorAll("*")]
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
        .slice(0, 5)
        .map((el) => el.outerHTML.slice(0, 100));
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
}"""


def heading_outline_problems(outline):
    problems = []
    if outline["h1"] != 1:
        problems.append(f"{outline['h1']} <h1> elements, expected exactly one")
    if outline["main"] != 1 or outline["roleMain"]:
        problems.append(f"{outline['main']} <main> (+{outline['roleMain']} role=main), expected exactly one")
    previous = 0  # the first heading must be the h1: nothing comes before the page's title
    for heading in outline["headings"]:
        if heading["level"] > previous + 1:
            after = f"h{previous}" if previous else "the start of the page"
            problems.append(f"h{heading['level']} {heading['text']!r} comes right after {after}")
        previous = heading["level"]
    return problems


@pytest.mark.parametrize(("path", "status"), PAGES, ids=PAGE_IDS)
def test_page_structure(open_page, path, status):
    """One h1, one main, no skipped heading levels, no broken resources, and no sideways scroll on a phone."""
    desktop = open_page(path, "desktop")
    assert desktop.response.status == status, f"{path} answered {desktop.response.status}, expected {status}"
    outline = desktop.page.evaluate(_OUTLINE_SCRIPT)
    problems = heading_outline_problems(outline)

    phone = open_page(path, "phone")
    overflow = phone.page.evaluate(_OVERFLOW_SCRIPT)
    if overflow["scrollWidth"] > overflow["clientWidth"]:
        problems.append(
            f"scrolls sideways on a phone: {overflow['scrollWidth']}px wide in a {overflow['clientWidth']}px "
            f"viewport (WCAG 1.4.10); too wide: {overflow['wide']}"
        )
    if failed := desktop.failed + phone.failed:
        problems.append(f"resources that failed to load: {sorted(set(failed))}")

    outline_text = "\n".join(f"  {'  ' * (h['level'] - 1)}h{h['level']} {h['text']}" for h in outline["headings"])
    assert not problems, f"{path}:\n- " + "\n- ".join(problems) + f"\nheading outline:\n{outline_text}"
