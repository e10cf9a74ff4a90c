"""What every DOCX export shares: page numbers as Word fields, table header rows repeated on each
page, column widths Word and LibreOffice both honour, and the DRAFT marking (running header text
and a diagonal watermark).

python-docx has no API for any of these, so they are written as WordprocessingML here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from openisms.core.exports import watermark_of

MARK_COLOUR = RGBColor(0xC0, 0x00, 0x00)
GREY = "555F6D"

# Word's own watermark: a VML "plain text" WordArt shape (type 136) anchored in the header, so it
# sits behind the text of every page. LibreOffice imports it as Fontwork.
_WATERMARK = """
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
 <w:pict>
  <v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
      path="m@7,l@8,m@5,21600l@6,21600e">
   <v:formulas>
    <v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
    <v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
    <v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
    <v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>
    <v:f eqn="sum @6 0 @5"/>
   </v:formulas>
   <v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
       o:connectangles="270,180,90,0"/>
   <v:textpath on="t" fitshape="t"/>
   <v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
   <o:lock v:ext="edit" text="t" shapetype="t"/>
  </v:shapetype>
  <v:shape id="OpenISMSWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" o:allowincell="f"
      fillcolor="#d0d0d0" stroked="f"
      style="position:absolute;margin-left:0;margin-top:0;width:{width}pt;height:{height}pt;rotation:315;z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin">
   <v:fill opacity=".5"/>
   <v:textpath style="font-family:&quot;Calibri&quot;;font-size:1pt" string="{text}"/>
  </v:shape>
 </w:pict>
</w:r>
"""


def field(paragraph: Any, instruction: str, *, size_half_points: int = 16) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice fill when they lay the
    pages out; "1" stands in until then."""
    element = OxmlElement("w:fldSimple")
    element.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for tag, value in (("w:color", GREY), ("w:sz", str(size_half_points))):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        props.append(child)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    element.append(run)
    paragraph._p.append(element)


def page_x_of_y(paragraph: Any, prefix: str = "") -> None:
    """``prefix`` then "Page x of y" as fields."""
    paragraph.add_run(f"{prefix}Page ")
    field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    field(paragraph, "NUMPAGES")
    for run in paragraph.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor.from_string(GREY)


def repeat_header_row(table: Any) -> None:
    """Mark the table's first row as its header, repeated at the top of every page."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(marker)


def column_widths(table: Any, widths_cm: Sequence[float]) -> None:
    """Fixed column widths: the grid (LibreOffice reads it), every cell (Word reads those) and a
    fixed layout, so long text wraps inside its column instead of widening it."""
    table.autofit = False  # w:tblLayout type="fixed", in its schema position
    for column, width in zip(table.columns, widths_cm, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def shade(cell: Any, fill: str) -> None:
    """A table cell's background colour (hex, e.g. ``E8ECF1``)."""
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def mark_draft(section: Any, text: str, *, page_width_pt: float = 500) -> None:
    """The running header opens with ``text`` in bold red and the page carries it as a light
    grey diagonal watermark."""
    header = section.header
    first = header.paragraphs[0]
    mark = first.insert_paragraph_before()
    run = mark.add_run(text)
    run.bold = True
    run.font.size = Pt(11)
    run.font.color.rgb = MARK_COLOUR
    shape = _WATERMARK.replace("{text}", _attr(watermark_of(text)))
    shape = shape.replace("{width}", f"{page_width_pt:.0f}").replace(
        "{height}", f"{page_width_pt / 4:.0f}"
    )
    mark._p.append(parse_xml(shape))


def _attr(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
