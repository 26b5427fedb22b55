"""Refuse requests whose path or query string carries a NUL byte or invalid text.

No page needs them, PostgreSQL refuses NUL in text (a DataError would be a 500), and
a clear Korean 400 is what the reader of a mangled link should see."""

from django.shortcuts import render


def reject_malformed_input(get_response):
    def middleware(request):
        try:
            query_values = [value for values in request.GET.lists() for value in values[1]]
        except UnicodeDecodeError:
            query_values = ["\x00"]
        if "\x00" in request.path or any("\x00" in value for value in query_values):
            return render(request, "400.html", status=400)
        return get_response(request)

    return middleware
