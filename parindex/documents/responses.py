"""The one way parindex answers with a document: a PDF rendered from a template, or an .xlsx.

Every PDF comes from a template that extends ``documents/base_document.html`` (the national
heading, the issuing body, the number and date lines, the signature block, the shared print CSS),
rendered by WeasyPrint that may fetch nothing — no URL, no local file.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def refuse_fetch(url: str, *args, **kwargs):
    """The PDF needs no outside resource: never let WeasyPrint fetch a URL (or a local file)."""
    raise ValueError(f"parindex: không tải tài nguyên ngoài khi tạo PDF ({url[:80]})")


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    html = render_to_string(template, {**context, "embedded": False}, request)
    return HTML(string=html, url_fetcher=refuse_fetch).write_pdf()


def pdf_response(template: str, context: dict, request, filename: str) -> HttpResponse:
    """The PDF shown in the browser (``inline``), saved under ``filename``."""
    response = HttpResponse(render_pdf(template, context, request), content_type=PDF)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An Excel workbook as a download."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
