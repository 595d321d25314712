"""Django's LocaleMiddleware, minus a `Vary: Accept-Language` that is never true here.

The language of a page is in its address: Swedish at /…, English at /en/… (i18n_patterns with
prefix_default_language=False), and the admin and the machine-read files are always Swedish. Django still
adds `Vary: Accept-Language` to every response whose address has no language prefix, which would make a
shared cache (a CDN, issue 7) keep one copy of each Swedish page per browser language for no reason. The
browser's Accept-Language is deliberately not honoured: a visitor chooses English with the language switcher.
"""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request, response):
        response = super().process_response(request, response)
        if response.has_header("Vary"):
            kept = [value.strip() for value in response["Vary"].split(",")]
            kept = [value for value in kept if value and value.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
