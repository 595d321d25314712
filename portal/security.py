"""The Content-Security-Policy header (django-csp), configured in settings.CONTENT_SECURITY_POLICY."""

from csp.middleware import CSPMiddleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, leaving PDFs (the printable documents, signed originals) without a policy.

    A policy protects documents that run the page's own scripts and styles; a PDF has none. Chromium shows a PDF in
    its built-in viewer, a plugin embedded in a document made from the PDF's response, and a policy on that response
    (object-src 'none', sandbox) can keep the viewer from loading, leaving residents with an empty page.
    """

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/pdf"):
            response._csp_exempt = True
        return super().process_response(request, response)
