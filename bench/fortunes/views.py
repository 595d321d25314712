from operator import attrgetter

from django.http import HttpResponse
from django.shortcuts import render

from bench.fortunes.models import Fortune


def fortunes(request):
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=attrgetter("message"))
    return render(request, "fortunes.html", {"fortunes": rows}, content_type="text/html; charset=utf-8")


def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain")
