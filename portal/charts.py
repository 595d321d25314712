"""Horizontal bar charts, drawn on the server as SVG (no script) by templates/includes/_bar_chart.html.

One bar per row: its label above, the bar below with its value at the end. Heights are in CSS pixels and widths in
percent of the chart, so the chart follows the page's width. Every chart has a table beside it with the same
numbers; the SVG's title says them in one sentence.
"""

from dataclasses import dataclass

ROW_HEIGHT = 52
LABEL_BASELINE = 18
BAR_TOP = 26
BAR_HEIGHT = 18
# Beyond this share of the width the value is written inside the end of the bar instead of after it.
VALUE_INSIDE_FROM = 80


@dataclass(frozen=True)
class Bar:
    label: str
    value: str | None  # written at the end of the bar; None: the value is hidden and no bar is drawn
    width: int = 0  # percent of the chart's width

    @property
    def hidden(self):
        return self.value is None


@dataclass
class BarChart:
    bars: list
    summary: str  # the chart in one sentence, for its accessible name
    title_id: str  # the id of the SVG's title, unique on the page

    @property
    def height(self):
        return ROW_HEIGHT * len(self.bars)

    @property
    def bar_height(self):
        return BAR_HEIGHT

    @property
    def rows(self):
        """Each bar with its vertical positions."""
        for index, bar in enumerate(self.bars):
            top = index * ROW_HEIGHT
            yield {
                "bar": bar,
                "label_y": top + LABEL_BASELINE,
                "bar_y": top + BAR_TOP,
                "text_y": top + BAR_TOP + BAR_HEIGHT - 4,
                "value_inside": bar.width >= VALUE_INSIDE_FROM,
            }
