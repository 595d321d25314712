"""Read what a generated PDF says, page by page, the way a test would check a printed document."""

import io

from pypdf import PdfReader


def pdf_bytes(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


class Pdf:
    def __init__(self, response):
        self.data = pdf_bytes(response)
        self.reader = PdfReader(io.BytesIO(self.data))
        self.pages = [" ".join(page.extract_text().split()) for page in self.reader.pages]
        self.text = " ".join(self.pages)


def figures(reader):
    """Every /Figure in the PDF's structure tree (the tagged images a screen reader announces)."""
    found = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not hasattr(node, "get"):
            continue  # a marked-content id
        if node.get("/S") == "/Figure":
            found.append(node)
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)
    return found


def assert_pdf_ua_1(pdf, *, title_start, qr_link):
    """What PDF/UA-1 (ISO 14289-1) asks that a checker such as veraPDF looks at first: the identification in the
    XMP metadata, a tagged document with a language and a title shown as the window title, and a text alternative
    on every figure (7.3), here the QR code with the address it leads to."""
    reader = pdf.reader
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp and ("<pdfuaid:part>1</pdfuaid:part>" in xmp or 'pdfuaid:part="1"' in xmp)
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "sv"
    assert reader.metadata.title.startswith(title_start)
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    found = figures(reader)
    assert found, "the QR code is tagged as a figure"
    assert all(str(figure.get("/Alt", "")).strip() for figure in found), "every figure has a text alternative"
    assert any(str(figure["/Alt"]) == f"QR-kod till {qr_link}" for figure in found)
