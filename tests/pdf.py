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
