"""The office report as a one- or two-page letter (PDF), drawn with reportlab in the active language."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

MAX_PDF_NOTES = 12  # the letter stays at one or two pages; the page and the CSV have them all


def _chart(report) -> Drawing:
    days = report.by_day
    drawing = Drawing(6.5 * inch, 1.9 * inch)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 25
    chart.width, chart.height = 6.5 * inch - 40, 1.9 * inch - 40
    chart.data = [[n for _d, n in days] or [0]]
    step = max(1, len(days) // 8)
    chart.categoryAxis.categoryNames = [d.strftime("%m-%d") if i % step == 0 else "" for i, (d, _n) in enumerate(days)]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#1d4ed8")
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def office_report_pdf(report) -> bytes:
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["Italic"]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=LETTER,
        title=_("Constituent calls report"),
        leftMargin=inch,
        rightMargin=inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
    )
    office, campaign = str(report.office), report.campaign.title
    place = report.office.division.name if getattr(report.office, "division", None) else report.office.state_code
    letter = ngettext(
        "Between %(start)s and %(end)s, %(n)s constituent of %(place)s called %(office)s about “%(campaign)s”.",
        "Between %(start)s and %(end)s, %(n)s constituents of %(place)s called %(office)s about “%(campaign)s”.",
        report.constituents,
    ) % {
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "n": f"{report.constituents:,}",
        "place": place,
        "office": office,
        "campaign": campaign,
    }
    story = [
        Paragraph(escape(office), styles["Title"]),
        Paragraph(escape(letter), styles["Heading3"]),
        Spacer(1, 6),
    ]
    reached = "–" if report.reached_percent is None else f"{report.reached_percent}%"
    figures = [
        [_("Distinct constituents"), f"{report.constituents:,}"],
        [_("Calls"), f"{report.calls:,}"],
        [_("Reached a person"), reached],
        [_("First call"), report.first_call.strftime("%Y-%m-%d %H:%M") if report.first_call else "–"],
        [_("Last call"), report.last_call.strftime("%Y-%m-%d %H:%M") if report.last_call else "–"],
    ] + [[label, f"{n:,}"] for value, label, n in report.by_outcome if n]
    table = Table(figures, colWidths=[3 * inch, 1.5 * inch], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    story += [table, Spacer(1, 8), Paragraph(escape(_("Calls by day")), styles["Heading4"]), _chart(report)]
    story.append(Paragraph(escape(_("What callers asked us to pass on")), styles["Heading4"]))
    if report.notes:
        for note in report.notes[:MAX_PDF_NOTES]:
            text = f"“{escape(note.text)}”"
            if note.signature:
                text += f" — {escape(note.signature)}"
            story.append(Paragraph(text, body))
        if len(report.notes) > MAX_PDF_NOTES:
            more = len(report.notes) - MAX_PDF_NOTES
            story.append(Paragraph(escape(_("and %(n)s more notes.") % {"n": more}), small))
    else:
        story.append(Paragraph(escape(_("No caller chose to share a note.")), body))
    zone = report.zone.key
    footer = _("Days and times in %(zone)s, both ends included.") % {"zone": zone}
    if report.chapter is not None:
        footer += " " + _("Callers of %(chapter)s.") % {"chapter": report.chapter_name}
    story += [Spacer(1, 10), Paragraph(escape(footer), small)]
    doc.build(story)
    return out.getvalue()
