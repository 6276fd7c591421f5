"""What the coordinator sends respondents: each link's full URL, its QR code, a CSV and printable letters.

Pure helpers for ``views_invitations``: the URL of a link is built from the request (the site's own
address, as the respondent will open it), the QR code is segno's SVG embedded in the page or the PDF
(WeasyPrint fetches nothing), the CSV is UTF-8 with a BOM so that Excel shows Vietnamese correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import segno
from django.urls import reverse
from django.utils.safestring import mark_safe

from .models import Invitation

CSV_HEADER = ("Người nhận", "Liên hệ", "Đơn vị được đánh giá", "Nhóm đối tượng", "Đường dẫn", "Đã gửi phiếu")


def link_of(request, invitation: Invitation) -> str:
    """The full address the respondent opens: https://…/phieu/<token>/."""
    return request.build_absolute_uri(reverse("respond:welcome", args=[invitation.token]))


def qr_svg(url: str) -> str:
    """The link as a QR code, an inline <svg> (medium error correction: survives a crumpled letter)."""
    # segno's own SVG of a URL we built (the token is URL-safe characters only)
    return mark_safe(segno.make(url, error="m", micro=False).svg_inline(scale=3, omitsize=False))  # noqa: S308


def csv_bytes(rows: Iterable[tuple[Invitation, str, str]], request) -> bytes:
    """(invitation, group title, unit name) rows → the CSV of links for sending by Zalo or e-mail."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for invitation, group_title, unit_name in rows:
        writer.writerow((invitation.label, invitation.contact, unit_name, group_title, link_of(request, invitation),
                         f"{invitation.completed_on:%d/%m/%Y}" if invitation.completed_on else ""))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
