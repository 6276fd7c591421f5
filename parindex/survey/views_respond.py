"""The respondent's questionnaire (issue 10 §2, V.1.1.c of 1679/QĐ-UBND): public pages at /phieu/<token>/.

No login, no session: the secret link is the respondent's only key. One screen per section of his
group's questionnaire (``Group.sections()``), each «Lưu và tiếp» keeps the screen's answers on the
invitation (``collect.save_draft``, optimistic version in a hidden field), then a review screen that is
the confirmation before «Gửi phiếu» (``collect.submit``); afterwards the link shows the thank-you page.

What the pages answer (docs/survey.md, "The respondent's pages"):
- an unknown or tampered link: one page, 404, the same words for both (``collect.bad_link``);
- the survey not open or its window over (``may_act(unit, Step.SURVEY)``): 410 with the window's message;
- a link already used: 200, the thank-you page with the day of the submission; a second «Gửi phiếu»
  from another tab: 409 with the same page;
- a stale tab (another tab saved in between): 409, the screen again with the current answers;
- bad answers (out of scale, another questionnaire's question, missing at the end): 400, the screen
  again with every problem, nothing saved.
Every response carries ``Cache-Control: no-store`` and ``Referrer-Policy: same-origin``: the token is in
the URL and must stay out of caches and out of the Referer sent to any other site (``no-referrer`` would
make Chromium post the form with ``Origin: null``, which Django's CSRF check refuses).
CSRF: Django's usual token (a cookie and a hidden field); no login or session is needed for it.
"""

from __future__ import annotations

import functools

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parindex.core import clock
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.periods.services import may_act
from parindex.periods.timeline import Step, format_instant, format_start

from . import collect, services
from .models import Invitation, Survey

FIELD = "q-"            # the form field of question C3 is «q-C3»
MINUTES_PER_QUESTION = 0.5


def private(view):
    """The token is in the URL: never cached, never sent to another site as a Referer, never indexed."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        # same-origin, not no-referrer: with no-referrer Chromium posts the form with «Origin: null» and
        # Django's CSRF check refuses it; same-origin still sends nothing to any other site
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    return wrapped


def _page(request, template: str, context: dict, status: int = 200):
    return render(request, f"survey/respond/{template}", context, status=status)


def _bad_link(request):
    return _page(request, "closed.html", {"title": _("Không mở được phiếu"), "message": collect.bad_link().message},
                 status=404)


def _closed_message(invitation: Invitation) -> str | None:
    """Why the questionnaire cannot be answered now (the survey's state, then its window); None: it can."""
    survey = invitation.survey
    if survey.status == Survey.Status.DESIGN:
        return _("Cuộc điều tra xã hội học năm %(year)s chưa bắt đầu thu phiếu") % {"year": survey.period.year}
    if survey.status == Survey.Status.CLOSED:
        return _("Cuộc điều tra xã hội học năm %(year)s đã kết thúc, không nhận thêm phiếu") % {
            "year": survey.period.year}
    verdict = may_act(invitation.unit, Step.SURVEY, clock.now())
    return None if verdict.allowed else verdict.message


class Screen:
    """What every page of one link needs: the invitation, its design and group, the screens."""

    def __init__(self, invitation: Invitation):
        self.invitation = invitation
        self.design = services.design_of(invitation.survey)
        self.group = self.design.group(invitation.group)
        if self.group is None:       # a design replaced under old links: the link no longer makes sense
            raise NotAllowed(collect.bad_link().message)
        self.sections = self.group.sections()

    def context(self, **extra) -> dict:
        period = self.invitation.survey.period
        return {"invitation": self.invitation, "group": self.group, "design": self.design,
                "unit": self.invitation.unit, "token": self.invitation.token, "total": len(self.sections),
                "start": format_start(period.survey_start), "end": format_instant(period.survey_end),
                "minutes": max(5, round(len(self.group.questions) * MINUTES_PER_QUESTION)), **extra}

    def section(self, number: int, answers: dict, **extra) -> dict:
        title, questions = self.sections[number - 1]
        rows = [{"q": q, "name": f"{FIELD}{q.code}", "chosen": answers.get(q.code)} for q in questions]
        return self.context(number=number, title=title, rows=rows, version=self.invitation.draft_version,
                            percent=round(100 * (number - 1) / len(self.sections)), **extra)

    def review(self, **extra) -> dict:
        draft = self.invitation.draft
        parts = []
        for title, questions in self.sections:
            rows = []
            for q in questions:
                option = q.scale.option(draft.get(q.code, ""))
                rows.append({"q": q, "label": option.label if option else ""})
            parts.append({"title": title, "rows": rows})
        missing = [q.code for q in self.group.questions if q.code not in draft]
        return self.context(parts=parts, missing=missing, number=len(self.sections) + 1, percent=100, **extra)


def _open(request, token: str):
    """(screen, None) for a link that may be answered now, else (None, the page to answer with)."""
    try:
        invitation = collect.invitation_for(token)
        screen = Screen(invitation)
    except NotAllowed:
        return None, _bad_link(request)
    if invitation.completed_on is not None:
        return None, _page(request, "done.html", screen.context(message=collect.already_sent(invitation).message,
                                                                again=False))
    closed = _closed_message(invitation)
    if closed:
        return None, _page(request, "closed.html", {"title": _("Phiếu khảo sát chưa mở hoặc đã đóng"),
                                                    "message": closed}, status=410)
    return screen, None


def _answers_posted(request) -> dict[str, str]:
    """Every «q-…» field posted, as question code → option (an empty choice takes the answer out)."""
    return {key[len(FIELD):]: request.POST.get(key, "") for key in request.POST if key.startswith(FIELD)}


@private
@require_GET
def welcome(request, token: str):
    screen, answer = _open(request, token)
    if answer:
        return answer
    draft = screen.invitation.draft
    resume = next((n for n, (_title, questions) in enumerate(screen.sections, 1)
                   if any(q.code not in draft for q in questions)), None)
    go_on = (reverse("respond:section", args=[token, resume]) if resume else reverse("respond:review", args=[token]))
    return _page(request, "welcome.html", screen.context(answered=len(draft), go_on=go_on, number=0, percent=0))


@private
@require_http_methods(["GET", "POST"])
def section(request, token: str, number: int):
    screen, answer = _open(request, token)
    if answer:
        return answer
    if not 1 <= number <= len(screen.sections):
        raise Http404
    if request.method == "GET":
        return _page(request, "section.html", screen.section(number, screen.invitation.draft))
    posted = _answers_posted(request)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        collect.save_draft(token, posted, version, design_of=services.design_of)
    except NotAllowed:
        return _bad_link(request)
    except Conflict as exc:
        fresh = collect.invitation_for(token)
        screen = Screen(fresh)
        return _page(request, "section.html", screen.section(number, fresh.draft, errors=exc.errors), status=409)
    except DomainError as exc:
        fresh = collect.invitation_for(token)
        if fresh.completed_on is not None or _closed_message(fresh):
            return _open(request, token)[1]
        shown = {**fresh.draft, **{k: v for k, v in posted.items() if v}}
        return _page(request, "section.html", Screen(fresh).section(number, shown, errors=exc.errors), status=400)
    if "back" in request.POST:
        target = number - 1
        return redirect(reverse("respond:section", args=[token, target]) if target else
                        reverse("respond:welcome", args=[token]))
    if number < len(screen.sections):
        return redirect("respond:section", token=token, number=number + 1)
    return redirect("respond:review", token=token)


@private
@require_http_methods(["GET", "POST"])
def review(request, token: str):
    """The answers once more, then «Gửi phiếu» (the confirmation: a sent questionnaire cannot be changed)."""
    if request.method == "POST" and request.POST.get("confirmed"):
        return _send(request, token)
    screen, answer = _open(request, token)
    if answer:
        return answer
    return _page(request, "review.html", screen.review())


def _send(request, token: str):
    """«Gửi phiếu». The submission checks the link, the window and the answers itself, reading each once;
    the page explaining a refusal (sent already, closed, answers missing) is built only when it refuses."""
    try:
        collect.submit(token, {}, design_of=services.design_of)
    except NotAllowed:
        return _bad_link(request)
    except DomainError as exc:
        try:
            fresh = collect.invitation_for(token)
            screen = Screen(fresh)
        except NotAllowed:
            return _bad_link(request)
        if fresh.completed_on is not None:     # another tab sent it first, or the link was used
            return _page(request, "done.html", screen.context(message=exc.message, again=True), status=409)
        if _closed_message(fresh):
            return _open(request, token)[1]
        return _page(request, "review.html", screen.review(errors=exc.errors), status=400)
    return redirect("respond:welcome", token=token)
