"""The 1200×630 PNG that social media and chat apps show for a shared link (og:image), drawn with Pillow.

Everything in it is drawn as text from a ShareCard (promises/sharing.py): names are never markup here. The colours
repeat the status colours of static/css/site.css, and the example label repeats the pages' "Exempel" badge.
"""

import io
import logging
from functools import cache

from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
# Bump when the drawing changes, so that the ETags of images already shared change with it.
DRAWING_VERSION = "1"

# fonts-dejavu-core (installed by .ci/run and in the production image): covers Swedish and every Latin name.
FONT_FILES = {
    "regular": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf"),
    "bold": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
}

INK = "#1a1a1a"
MUTED = "#495057"
BRAND = "#0a3d7a"
BACKGROUND = "#ffffff"
# (background, border, text) as .status-<state> in static/css/site.css.
STATUS_COLOURS = {
    "done": ("#e3f4e8", "#1e6b34", "#14502a"),
    "continuous": ("#e6f0fb", "#0a4f9e", "#0a3d7a"),
    "in_progress": ("#e6f0fb", "#0a4f9e", "#0a3d7a"),
    "partly_done": ("#eef5e0", "#4d6b12", "#3a520b"),
    "not_started": ("#f1f3f5", "#5c6670", "#343a40"),
    "no_report": ("#f1f3f5", "#5c6670", "#343a40"),
    "delayed": ("#fff2d9", "#8a5300", "#5e3900"),
    "renegotiated": ("#fff2d9", "#8a5300", "#5e3900"),
    "stopped": ("#fde8e8", "#a61b1b", "#7d1010"),
}
# As .badge-example: dashed brown on cream.
EXAMPLE_COLOURS = ("#fff7e6", "#8a4b00", "#6b3a00")


@cache
def font(weight, size):
    """DejaVu Sans at `size` px; without it Pillow's own font, so that a missing package costs looks, not a 500."""
    for path in FONT_FILES[weight]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    logger.warning("Share images: DejaVu Sans not found (install fonts-dejavu-core); using Pillow's default font")
    return ImageFont.load_default(size)


def _width(draw, text, typeface):
    return draw.textlength(text, font=typeface)


def _fit(draw, text, weight, size, max_width, *, min_size):
    """The largest font from `size` down to `min_size` in which text fits on one line."""
    while size > min_size and _width(draw, text, font(weight, size)) > max_width:
        size -= 2
    return font(weight, size)


def _wrap(draw, text, typeface, max_width, max_lines):
    """Text broken into at most max_lines lines that fit max_width; the last one ends in … if text was cut."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if _width(draw, candidate, typeface) <= max_width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += " …"
    # A single word wider than the line (a very long name): cut it too.
    return [_ellipsis(draw, line, typeface, max_width) for line in lines]


def _ellipsis(draw, text, typeface, max_width):
    if _width(draw, text, typeface) <= max_width:
        return text
    while text and _width(draw, text + "…", typeface) > max_width:
        text = text[:-1]
    return text + "…"


def _line_height(typeface):
    ascent, descent = typeface.getmetrics()
    return ascent + descent


def _text(draw, xy, text, typeface, fill):
    draw.text(xy, text, font=typeface, fill=fill)
    return xy[1] + round(_line_height(typeface) * 1.15)


def _chip(draw, x, y, text, typeface, colours, *, dashed=False):
    """A rounded label like the pages' status labels; returns its width."""
    background, border, ink = colours
    padding_x, padding_y = 16, 7
    width = round(_width(draw, text, typeface)) + 2 * padding_x
    height = _line_height(typeface) + 2 * padding_y
    draw.rounded_rectangle((x, y, x + width, y + height), radius=height // 2, fill=background, outline=border, width=2)
    if dashed:
        # Dashes over the outline: the example label is told apart by its form as well as its colour.
        for dash_x in range(x + height // 2, x + width - height // 2, 14):
            draw.line((dash_x + 7, y, dash_x + 14, y), fill=background, width=3)
            draw.line((dash_x + 7, y + height, dash_x + 14, y + height), fill=background, width=3)
    draw.text((x + padding_x, y + padding_y), text, font=typeface, fill=ink)
    return width, height


def _chip_rows(draw, group, typeface):
    """The group's status labels ("Genomförd  3") with their widths, wrapped into rows that fit the image."""
    rows, row, x = [], [], MARGIN
    for count in group.counts:
        text = f"{count.label}  {count.count}"
        width = round(_width(draw, text, typeface)) + 32
        if row and x + width > WIDTH - MARGIN:
            rows.append(row)
            row, x = [], MARGIN
        row.append((text, count.state, width))
        x += width + 12
    if row:
        rows.append(row)
    return rows


def _row_height(typeface):
    return _line_height(typeface) + 14 + 10


def _summary_height(draw, summary, heading_font, chip_font):
    height = 0
    for _heading, group in summary.headed_groups:
        height += round(_line_height(heading_font) * 1.15) + len(_chip_rows(draw, group, chip_font)) * _row_height(
            chip_font
        )
        height += 8
    return height


def _summary_fonts(draw, summary, space):
    """The largest label size at which every status of every group fits in `space` px (the smallest otherwise)."""
    for size in (26, 23, 20, 18):
        heading_font, chip_font = font("bold", size), font("regular", size)
        if _summary_height(draw, summary, heading_font, chip_font) <= space:
            break
    return heading_font, chip_font


def _draw_summary(draw, y, summary, bottom):
    heading_font, chip_font = _summary_fonts(draw, summary, bottom - y)
    for heading, group in summary.headed_groups:
        if y + round(_line_height(heading_font) * 1.15) + _row_height(chip_font) > bottom:
            # Only where a period reports almost every status for both areas and activities; og:image:alt says all.
            draw.text((MARGIN, y), "…", font=heading_font, fill=MUTED)
            break
        y = _text(draw, (MARGIN, y), heading, heading_font, INK)
        for row in _chip_rows(draw, group, chip_font):
            if y + _row_height(chip_font) > bottom:
                draw.text((MARGIN, y), "…", font=heading_font, fill=MUTED)
                return bottom
            x = MARGIN
            for text, state, width in row:
                _chip(draw, x, y, text, chip_font, STATUS_COLOURS.get(state, STATUS_COLOURS["no_report"]))
                x += width + 12
            y += _row_height(chip_font)
        y += 8
    return y


def draw_share_card(card, *, site_name, example_label, example_note, address):
    """The PNG bytes of the card. `address`: the page's short address, printed at the bottom."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN

    # A band in the portal's blue along the top and bottom: recognisable as the portal's in a feed of links.
    draw.rectangle((0, 0, WIDTH, 12), fill=BRAND)
    draw.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=BRAND)

    y = 44
    site_font = font("bold", 28)
    example_font = font("bold", 30)
    example_width = 0
    if card.example:
        label = example_label.upper()
        example_width = round(_width(draw, label, example_font)) + 32
        _chip(draw, WIDTH - MARGIN - example_width, y - 6, label, example_font, EXAMPLE_COLOURS, dashed=True)
    y = _text(draw, (MARGIN, y), _ellipsis(draw, site_name, site_font, inner - example_width - 24), site_font, BRAND)

    kommun_font = _fit(draw, card.kommun, "bold", 64, inner, min_size=40)
    y = _text(draw, (MARGIN, y + 8), _ellipsis(draw, card.kommun, kommun_font, inner), kommun_font, INK)

    heading_font = font("regular", 36)
    for line in _wrap(draw, card.heading, heading_font, inner, max_lines=2):
        y = _text(draw, (MARGIN, y), line, heading_font, INK)
    small = font("regular", 26)
    if card.phase:
        for line in _wrap(draw, card.phase, small, inner, max_lines=2):
            y = _text(draw, (MARGIN, y), line, small, MUTED)
    y += 14

    footer_font = font("regular", 24)
    bottom = HEIGHT - 12 - 24 - _line_height(footer_font) - 10
    if card.example:
        bottom -= _line_height(small) + 14
    if card.note:
        bottom -= round(_line_height(small) * 1.15)
    if card.summary is not None and card.summary.year is None:
        y = _text(draw, (MARGIN, y), card.summary.nothing_yet, font("bold", 26), INK)
        promised = " · ".join(heading for heading, _group in card.summary.headed_groups)
        y = _text(draw, (MARGIN, y), promised, small, MUTED)
    elif card.summary is not None:
        y = _draw_summary(draw, y, card.summary, bottom)
    if card.note:
        _text(draw, (MARGIN, y), _ellipsis(draw, card.note, small, inner), small, MUTED)

    footer_y = HEIGHT - 12 - 24 - _line_height(footer_font)
    if card.example:
        # Said in words as well as by the label, for a picture cropped by the app that shows it.
        example_y = footer_y - _line_height(small) - 14
        draw.text((MARGIN, example_y), _ellipsis(draw, example_note, small, inner), font=small, fill=EXAMPLE_COLOURS[2])
    draw.text((MARGIN, footer_y), _ellipsis(draw, address, footer_font, inner), font=footer_font, fill=MUTED)

    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()
