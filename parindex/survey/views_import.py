"""Importing responses from a file (mounted at ky/<year>/dieu-tra/nhap-tep/): the Sở Nội vụ coordinator.

Step 1 uploads the file (.xlsx or .csv); it is read into a table (``imports.read_table``) kept in the
person's session — not on disk — until step 2: the columns found, a mapping form (group, unit, day, one
column per question; a first guess from the column names) and the first rows. «Nhập» checks every row and
records all of them or none (``imports.import_rows``), listing every problem with its row and column.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parindex.accounts import permissions
from parindex.core.errors import refusals_shown

from . import imports, services
from .views_paper import survey_for

SESSION_KEY = "survey_import"
PREVIEW_ROWS = 5


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, year: int):
    period, survey = survey_for(request, year, permissions.can_issue_paper_forms)
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("tep")
        if upload is None:
            errors.append(_("Hãy chọn một tệp .xlsx hoặc .csv"))
        elif upload.size > imports.MAX_BYTES:
            errors.append(_("Tệp quá lớn (tối đa %(max)s kB)") % {"max": imports.MAX_BYTES // 1024})
        else:
            with refusals_shown(errors.append) as outcome:
                table = imports.read_table(upload.read(), upload.name)
            if outcome.ok:
                request.session[SESSION_KEY] = {"year": year, "file": upload.name[:200], "table": table.as_dict()}
                return redirect("survey:import_map", year=year)
    return render(request, "survey/import/upload.html", {"period": period, "survey": survey, "errors": errors})


def _column(data, name: str) -> int:
    try:
        return int(data.get(name, -1))
    except (TypeError, ValueError):
        return -1


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request, year: int):
    period, survey = survey_for(request, year, permissions.can_issue_paper_forms)
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("year") != year:
        messages.warning(request, _("Hãy tải tệp lên trước"))
        return redirect("survey:import_upload", year=year)
    design = services.design_of(survey)
    table = imports.Table.from_dict(stored["table"])
    data = request.POST if request.method == "POST" else request.GET
    group = design.group(data.get("nhom", "")) or design.groups[0]
    guess = imports.guess_mapping(table, group)
    errors, summary = [], ""
    if request.method == "POST":
        chosen = imports.Mapping(group.code, _column(data, "cot_don_vi"), _column(data, "cot_ngay"),
                                 {q.code: _column(data, f"cot_{q.code}") for q in group.questions})
        with refusals_shown(errors.append) as outcome:
            count = imports.import_rows(survey, design, table, chosen, actor=request.user, filename=stored["file"],
                                        request=request)
        if outcome.ok:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Đã nhập %(n)s phiếu của nhóm «%(group)s» từ tệp %(file)s")
                             % {"n": count, "group": group.title, "file": stored["file"]})
            return redirect("survey:monitor", year=year)
        summary, guess = outcome.message, chosen
    columns = [{"index": n, "label": table.label(n)} for n in range(len(table.header))]
    questions = [{"q": q, "chosen": guess.questions.get(q.code, -1)} for q in group.questions]
    return render(request, "survey/import/mapping.html", {
        "period": period, "survey": survey, "file": stored["file"], "rows": len(table.rows), "columns": columns,
        "header": table.header, "preview": table.rows[:PREVIEW_ROWS], "groups": design.groups, "group": group,
        "guess": guess, "questions": questions, "errors": errors, "summary": summary})
