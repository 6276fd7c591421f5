"""Every URL pattern × every role, with the expected answer.

A URL pattern without a row fails ``test_every_url_pattern_has_a_row``, so no page escapes the
matrix. Objects outside a person's scope answer 404 (their existence is not revealed); pages a
role may not use at all answer 403; anonymous people are sent to the login page (302).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ["anon", "admin", "snv.dieuphoi", "chomoi.noivu", "stp.canbo", "stp.giamdoc", "syt.canbo",
         "hoamuc.canbo", "kimlu.canbo", "stc.thamdinh", "chomoi.thamdinh", "khaosat",
         "ubnd.lanhdao"]


def row(default, **overrides):
    """Expected status per role: ``default`` for every role not named (``anon`` named separately)."""
    answers = {role: default for role in ROLES}
    answers.update({k.replace("__", "."): v for k, v in overrides.items()})
    return answers


LOGGED_IN = row(200, anon=302)
PROVINCE_ONLY = row(403, anon=302, snv__dieuphoi=200)

# name → (method, kwargs, query string, answers)
MATRIX = {
    "home": ("get", {}, "", row(200, anon=302)),
    "set_language": ("post", {}, "", row(302)),
    "criteria:index": ("get", {}, "", row(200)),
    "criteria:detail": ("get", {"set_id": "backan-2021-commune"}, "", row(200)),
    # the yearly edition (Sở Nội vụ only): the start row makes the draft backan-2022-commune the rows after it open
    "criteria:editions": ("get", {}, "", PROVINCE_ONLY),
    "criteria:edition_start": ("post", {"set_id": "backan-2021-commune"}, "", row(403, anon=302, snv__dieuphoi=302)),
    "criteria:edition": ("get", {"set_id": "backan-2022-commune"}, "", row(403, anon=302, snv__dieuphoi=200)),
    "criteria:edition_item": ("get", {"set_id": "backan-2022-commune", "code": "a.1.1"}, "",
                              row(403, anon=302, snv__dieuphoi=200)),
    "criteria:edition_remove": ("get", {"set_id": "backan-2022-commune", "code": "a.1.1"}, "",
                                row(403, anon=302, snv__dieuphoi=200)),
    "criteria:edition_add": ("get", {"set_id": "backan-2022-commune", "parent": "a.1"}, "",
                             row(403, anon=302, snv__dieuphoi=200)),
    "criteria:edition_expected": ("get", {"set_id": "backan-2022-commune"}, "", row(403, anon=302, snv__dieuphoi=200)),
    "criteria:edition_diff": ("get", {"set_id": "backan-2022-commune"}, "", row(403, anon=302, snv__dieuphoi=200)),
    "criteria:edition_approve": ("get", {"set_id": "backan-2022-commune"}, "", row(403, anon=302, snv__dieuphoi=200)),
    "criteria:edition_delete": ("get", {"set_id": "backan-2022-commune"}, "", row(403, anon=302, snv__dieuphoi=200)),
    "criteria:edition_appendix": ("get", {"set_id": "backan-2022-commune"}, "", row(403, anon=302, snv__dieuphoi=200)),
    "criteria:edition_appendix_import": ("get", {"set_id": "backan-2022-commune"}, "",
                                         row(403, anon=302, snv__dieuphoi=200)),
    "criteria:appendix": ("get", {"set_id": "backan-2021-commune"}, "", row(200)),
    "accounts:login": ("get", {}, "", row(302, anon=200)),
    "accounts:logout": ("post", {}, "", row(302)),
    "accounts:password_change": ("get", {}, "", LOGGED_IN),
    "accounts:password_change_done": ("get", {}, "", LOGGED_IN),
    "accounts:password_reset": ("get", {}, "", row(200)),
    "accounts:password_reset_done": ("get", {}, "", row(200)),
    "accounts:password_reset_confirm": ("get", {"uidb64": "MQ", "token": "sai-ma"}, "", row(200)),
    "accounts:password_reset_complete": ("get", {}, "", row(200)),
    "periods:list": ("get", {}, "", LOGGED_IN),
    "periods:detail": ("get", {"year": 2021}, "", LOGGED_IN),
    "periods:timeline": ("get", {"year": 2021}, "", PROVINCE_ONLY),
    "periods:units": ("get", {"year": 2021}, "", PROVINCE_ONLY),
    "periods:open": ("post", {"year": 2021}, "", row(403, anon=302, snv__dieuphoi=302)),
    "board:board": ("get", {"year": 2021, "level": "tinh"}, "",
                    row(403, anon=302, admin=200, snv__dieuphoi=200, stc__thamdinh=200)),
    "board:board#xa": ("get", {"year": 2021, "level": "xa"}, "",
                       row(403, anon=302, admin=200, snv__dieuphoi=200, chomoi__noivu=200, chomoi__thamdinh=200)),
    "board:board#chomoi": ("get", {"year": 2021, "level": "xa"}, "huyen=065",
                           row(403, anon=302, admin=200, snv__dieuphoi=200, chomoi__noivu=200,
                               chomoi__thamdinh=200)),
    "board:unit": ("get", {"year": 2021, "code": "STP"}, "",
                   row(404, anon=302, admin=200, snv__dieuphoi=200, stp__canbo=200, stp__giamdoc=200,
                       stc__thamdinh=200)),
    "board:unit#hoamuc": ("get", {"year": 2021, "code": "02098"}, "",
                          row(404, anon=302, admin=200, snv__dieuphoi=200, chomoi__noivu=200,
                              hoamuc__canbo=200, chomoi__thamdinh=200)),
    "board:unit#unknown": ("get", {"year": 2021, "code": "99999"}, "", row(404, anon=302)),
    "board:extension": ("get", {"year": 2021, "code": "02098"}, "",
                        row(404, anon=302, admin=403, snv__dieuphoi=403, chomoi__noivu=200,
                            hoamuc__canbo=403, chomoi__thamdinh=403)),
    "board:extension#stp": ("get", {"year": 2021, "code": "STP"}, "",
                            row(404, anon=302, admin=403, snv__dieuphoi=200, stp__canbo=403,
                                stp__giamdoc=403, stc__thamdinh=403)),
    "board:commune_summary": ("get", {"year": 2021}, "",
                              row(403, anon=302, admin=200, snv__dieuphoi=200, chomoi__noivu=200)),
}
# Xã Hoà Mục (Chợ Mới): who may see it, who may score it (its officer), who may do neither.
HOA_MUC = {"year": 2021, "code": "02098"}
SEES_HOA_MUC = row(404, anon=302, admin=200, snv__dieuphoi=200, chomoi__noivu=200, hoamuc__canbo=200,
                   chomoi__thamdinh=200)
OFFICER_ACTS = row(404, anon=302, admin=403, snv__dieuphoi=403, chomoi__noivu=403, hoamuc__canbo=302,
                   chomoi__thamdinh=403)
HEAD_ACTS = row(404, anon=302, admin=403, snv__dieuphoi=403, chomoi__noivu=403, hoamuc__canbo=403,
                chomoi__thamdinh=403)
MATRIX.update({
    "assessments:sheet": ("get", HOA_MUC, "", SEES_HOA_MUC),
    "assessments:library": ("get", HOA_MUC, "", SEES_HOA_MUC),
    "assessments:participants": ("get", HOA_MUC, "", SEES_HOA_MUC),
    "assessments:report": ("get", HOA_MUC, "", SEES_HOA_MUC),
    "assessments:report_pdf": ("get", HOA_MUC, "", SEES_HOA_MUC),
    "assessments:excel_export": ("get", HOA_MUC, "", SEES_HOA_MUC),
    "assessments:excel_import": ("get", HOA_MUC, "", SEES_HOA_MUC),
    "assessments:download": ("get", {**HOA_MUC, "evidence_id": 999999}, "", row(404, anon=302)),
    "assessments:save_item": ("post", {**HOA_MUC, "item": "a.1.1"}, "", OFFICER_ACTS),
    "assessments:link": ("post", {**HOA_MUC, "item": "a.1.1"}, "", OFFICER_ACTS),
    "assessments:unlink": ("post", {**HOA_MUC, "link_id": 999999}, "", {**OFFICER_ACTS, "hoamuc.canbo": 404}),
    "assessments:send_for_approval": ("post", HOA_MUC, "", OFFICER_ACTS),
    "assessments:send_back": ("post", HOA_MUC, "", HEAD_ACTS),
    "assessments:submit": ("post", HOA_MUC, "", HEAD_ACTS),
    "assessments:withdraw": ("post", HOA_MUC, "", HEAD_ACTS),
    "assessments:reopen": ("get", HOA_MUC, "", {**HEAD_ACTS, "chomoi.noivu": 200}),
    "assessments:sheet#stp": ("get", {"year": 2021, "code": "STP"}, "",
                              row(404, anon=302, admin=200, snv__dieuphoi=200, stp__canbo=200, stp__giamdoc=200,
                                  stc__thamdinh=200)),
})
# Appraisal in the plain world: nothing has been submitted yet, so no unit can be appraised (404).
NOTHING_SUBMITTED = row(404, anon=302)
CHOMOI = {"year": 2021, "code": "065"}
MATRIX.update({
    "appraisal:list": ("get", {"year": 2021}, "",
                       row(403, anon=302, snv__dieuphoi=200, chomoi__noivu=200, stc__thamdinh=200,
                           chomoi__thamdinh=200)),
    "appraisal:teams": ("get", {"year": 2021}, "", row(403, anon=302, admin=200, snv__dieuphoi=200,
                                                       chomoi__noivu=200)),
    "appraisal:unit": ("get", HOA_MUC, "", NOTHING_SUBMITTED),
    "appraisal:start": ("post", HOA_MUC, "", NOTHING_SUBMITTED),
    "appraisal:appraise": ("post", {**HOA_MUC, "item": "a.1.1"}, "", NOTHING_SUBMITTED),
    "appraisal:accept_self": ("post", HOA_MUC, "", NOTHING_SUBMITTED),
    "appraisal:confirm": ("post", HOA_MUC, "", NOTHING_SUBMITTED),
    "appraisal:open_explanation": ("post", HOA_MUC, "", NOTHING_SUBMITTED),
    "appraisal:final_round": ("post", HOA_MUC, "", NOTHING_SUBMITTED),
    "appraisal:finalize": ("post", HOA_MUC, "", NOTHING_SUBMITTED),
    "appraisal:reopen": ("get", HOA_MUC, "", NOTHING_SUBMITTED),
    "appraisal:minutes": ("get", HOA_MUC, "", SEES_HOA_MUC),
    "appraisal:minutes_pdf": ("get", HOA_MUC, "", NOTHING_SUBMITTED),
    "appraisal:minutes_xlsx": ("get", HOA_MUC, "", NOTHING_SUBMITTED),
    "explanation:page": ("get", HOA_MUC, "", SEES_HOA_MUC),
    "explanation:explain": ("post", {**HOA_MUC, "item": "a.1.1"}, "", NOTHING_SUBMITTED),
    "explanation:add_evidence": ("post", {**HOA_MUC, "item": "a.1.1"}, "", NOTHING_SUBMITTED),
    "publication:district": ("get", CHOMOI, "", row(403, anon=302, admin=200, snv__dieuphoi=200,
                                                   chomoi__noivu=200)),
    # the confirmation page (a POST without "confirmed" shows it again); nothing is complete in the plain world
    "publication:publish": ("post", CHOMOI, "", row(403, anon=302, chomoi__noivu=200)),
    "publication:publish#get": ("get", CHOMOI, "", row(403, anon=302, chomoi__noivu=200)),
    "publication:province": ("get", {"year": 2021}, "", row(403, anon=302, snv__dieuphoi=200, ubnd__lanhdao=200)),
    "publication:province#unknown": ("get", {"year": 1999}, "",
                                     row(403, anon=302, snv__dieuphoi=404, ubnd__lanhdao=404)),
    # submit's confirmation page (blocked: nothing is finalized); approving a draft: the refusal, flashed
    "publication:province_step": ("get", {"year": 2021, "step": "trinh"}, "",
                                  row(403, anon=302, snv__dieuphoi=200, ubnd__lanhdao=403)),
    "publication:province_step#approve": ("post", {"year": 2021, "step": "phe-duyet"}, "",
                                          row(403, anon=302, ubnd__lanhdao=302)),
    "publication:province_step#unknown": ("get", {"year": 2021, "step": "xoa"}, "",
                                          row(403, anon=302, snv__dieuphoi=404, ubnd__lanhdao=404)),
    "publication:index": ("get", {}, "", row(200)),
    "publication:year": ("get", {"year": 2021}, "", row(200)),
    "publication:year#unknown": ("get", {"year": 1999}, "", row(404)),
    "publication:public_district": ("get", CHOMOI, "", row(404)),
    "publication:public_xlsx": ("get", CHOMOI, "", row(404)),
    "publication:public_pdf": ("get", CHOMOI, "", row(404)),
    # the province's public results: nothing published in the matrix's world, so the unit page and the files are
    # 404 for everyone (tests/publication/test_public_province.py: 200 for every role once published)
    "publication:summary": ("get", {}, "", row(200)),
    "publication:summary_xlsx": ("get", {}, "", row(200)),
    "publication:public_unit": ("get", {"year": 2021, "code": "STP"}, "", row(404)),
    "publication:public_unit#unknown": ("get", {"year": 1999, "code": "STP"}, "", row(404)),
    "publication:province_xlsx": ("get", {"year": 2021}, "", row(404)),
    "publication:province_csv": ("get", {"year": 2021}, "", row(404)),
    "publication:province_pdf": ("get", {"year": 2021}, "", row(404)),
    "publication:year#version": ("get", {"year": 2021}, "phien-ban=abc", row(404)),
})
# Pages added with issue 8: confirmation pages (GET shows the summary), people and roles, a new period.
MATRIX.update({
    "assessments:send_for_approval#get": ("get", HOA_MUC, "", {**OFFICER_ACTS, "hoamuc.canbo": 200}),
    "assessments:submit#get": ("get", HOA_MUC, "", HEAD_ACTS),
    "accounts:people": ("get", {}, "", row(403, anon=302, admin=200, snv__dieuphoi=200, chomoi__noivu=200)),
    # role 1 is the Sở Nội vụ coordinator's own (demo): Chợ Mới's coordinator may not see it
    "accounts:revoke": ("get", {"pk": 1}, "", row(403, anon=302, admin=200, snv__dieuphoi=200, chomoi__noivu=404)),
    "periods:create": ("get", {}, "", PROVINCE_ONLY),
})
# Issue 9: the health check, for the proxy and monitoring: everybody, no login (tests/deploy/test_healthz.py).
MATRIX.update({
    "healthz": ("get", {}, "", row(200)),
})
# Background jobs (parindex/jobs): a person's own jobs only; "#own" is a finished job of hoamuc.canbo with a file
# (made by the fixture below), anybody else's answers 404 as an unknown one does.
OWN_JOB = row(404, anon=302, hoamuc__canbo=200)
OWN = 0  # stands for the fixture's job in _request (no job has id 0: elsewhere these rows answer 404)
MATRIX.update({
    "jobs:mine": ("get", {}, "", LOGGED_IN),
    "jobs:detail": ("get", {"pk": 999999}, "", row(404, anon=302)),
    "jobs:detail#own": ("get", {"pk": OWN}, "", OWN_JOB),
    "jobs:state#own": ("get", {"pk": OWN}, "", OWN_JOB),
    "jobs:download#own": ("get", {"pk": OWN}, "", OWN_JOB),
    # «Tạo tệp PDF» of the self-assessment report: whoever sees the unit starts the job (→ its page)
    "assessments:report_pdf_job": ("post", HOA_MUC, "", {**SEES_HOA_MUC, **{
        r: 302 for r, answer in SEES_HOA_MUC.items() if answer == 200}}),
})
# Issue 10 §1, the survey's design (parindex/survey): the Sở Nội vụ coordinator reads and edits, the surveyor reads;
# nobody else (units, appraisers, the administrator) reaches it. The demo survey is open (its design is fixed):
# the edit page shows it read-only, a POST is refused on the page itself (200), the opening is refused (200).
SURVEY_READS = row(403, anon=302, snv__dieuphoi=200, khaosat=200)
SURVEY_EDITS = row(403, anon=302, snv__dieuphoi=200)
Y2021 = {"year": 2021}
MATRIX.update({
    "survey:overview": ("get", Y2021, "", SURVEY_READS),
    "survey:overview#unknown": ("get", {"year": 1999}, "", row(403, anon=302, snv__dieuphoi=404, khaosat=404)),
    "survey:design": ("get", Y2021, "", SURVEY_READS),
    "survey:group": ("get", {**Y2021, "group": "lanhdao-xa"}, "", SURVEY_READS),
    "survey:group#unknown": ("get", {**Y2021, "group": "khong-co"}, "", row(403, anon=302, snv__dieuphoi=404,
                                                                            khaosat=404)),
    "survey:gaps": ("get", Y2021, "", SURVEY_READS),
    "survey:plan": ("get", Y2021, "", SURVEY_READS),
    "survey:plan#district": ("get", Y2021, "loai=district", SURVEY_READS),
    "survey:download": ("get", Y2021, "", SURVEY_EDITS),
    "survey:edit": ("get", Y2021, "", SURVEY_EDITS),
    "survey:edit#post": ("post", Y2021, "", SURVEY_EDITS),
    "survey:open": ("get", Y2021, "", SURVEY_EDITS),
    "survey:open#post": ("post", Y2021, "", SURVEY_EDITS),
})
# -- survey: paper (issue 10 §2): surveyors and the coordinator type and settle paper forms and read the rates;
# the coordinator alone issues, prints and imports. An empty POST is refused on the page (200); the demo has no
# paper form yet: printing and settling answer 404, the mapping step without an uploaded file goes back (302).
PAPER_TYPISTS = row(403, anon=302, snv__dieuphoi=200, khaosat=200)
PAPER_COORDINATOR = row(403, anon=302, snv__dieuphoi=200)
MATRIX.update({
    "survey:paper_entry": ("get", Y2021, "so=2021-DAN-0001", PAPER_TYPISTS),
    "survey:paper_entry#post": ("post", Y2021, "", PAPER_TYPISTS),
    "survey:paper_mismatches": ("get", Y2021, "", PAPER_TYPISTS),
    "survey:paper_resolve": ("get", {**Y2021, "serial": "2021-DAN-0001"}, "",
                             row(403, anon=302, snv__dieuphoi=404, khaosat=404)),
    "survey:paper_resolve#post": ("post", {**Y2021, "serial": "2021-DAN-0001"}, "",
                                  row(403, anon=302, snv__dieuphoi=404, khaosat=404)),
    "survey:paper_issue": ("get", Y2021, "", PAPER_COORDINATOR),
    "survey:paper_issue#post": ("post", Y2021, "", PAPER_COORDINATOR),
    "survey:paper_print": ("get", Y2021, "tu=2021-DAN-0001&den=2021-DAN-0009", row(403, anon=302, snv__dieuphoi=404)),
    "survey:import_upload": ("get", Y2021, "", PAPER_COORDINATOR),
    "survey:import_upload#post": ("post", Y2021, "", PAPER_COORDINATOR),
    "survey:import_map": ("get", Y2021, "", row(403, anon=302, snv__dieuphoi=302)),
    "survey:import_map#post": ("post", Y2021, "", row(403, anon=302, snv__dieuphoi=302)),
    "survey:monitor": ("get", Y2021, "", PAPER_TYPISTS),
    "survey:monitor#district": ("get", Y2021, "loai=district", PAPER_TYPISTS),
})
# -- survey: respond. The respondent's questionnaire is public: the secret link is the key, so every role and
# anonymous people get the same answer — 200 with a live link (the ``survey_link`` fixture), 404 with an unknown
# one (the same page for a mistyped or tampered link). The links, their CSV, letters and pending list are the
# coordinator's alone (a surveyor holding the links could answer in the respondents' place).
LINK = "matrix-link-0123456789abcdefghij"
UNKNOWN_LINK = "matrix-link-khong-co-0123456789"
INVITATIONS = row(403, anon=302, snv__dieuphoi=200)
MATRIX.update({
    "respond:welcome": ("get", {"token": LINK}, "", row(200)),
    "respond:welcome#unknown": ("get", {"token": UNKNOWN_LINK}, "", row(404)),
    "respond:section": ("get", {"token": LINK, "number": 1}, "", row(200)),
    "respond:section#beyond": ("get", {"token": LINK, "number": 99}, "", row(404)),
    "respond:section#unknown": ("post", {"token": UNKNOWN_LINK, "number": 1}, "", row(404)),
    "respond:review": ("get", {"token": LINK}, "", row(200)),
    "respond:review#unknown": ("post", {"token": UNKNOWN_LINK}, "", row(404)),
    "survey:invitations": ("get", Y2021, "", INVITATIONS),
    "survey:invitations#post": ("post", Y2021, "", row(403, anon=302, snv__dieuphoi=400)),
    "survey:invitations_csv": ("get", Y2021, "", INVITATIONS),
    "survey:invitations_csv#pair": ("get", Y2021, "nhom=hdnd-so&don-vi=SYT", INVITATIONS),
    "survey:invitations_pdf": ("get", Y2021, "", row(403, anon=302, snv__dieuphoi=404)),
    "survey:invitations_pdf#pair": ("get", Y2021, "nhom=hdnd-so&don-vi=SYT", INVITATIONS),
    "survey:invitations_pending": ("get", Y2021, "", INVITATIONS),
})


@pytest.fixture(autouse=True)
def survey_link(world):
    """One live link of the demo survey (hdnd-so for Sở Y tế) with the known token ``LINK``."""
    from parindex.survey.models import Invitation, Survey
    from parindex.units.models import PeriodUnit

    survey = Survey.objects.get(period=world)
    return Invitation.objects.create(survey=survey, group="hdnd-so", token=LINK,
                                     unit=PeriodUnit.objects.get(period=world, code="SYT"))


# -- survey: close (issue 10 §3–4): results and the processing report read like the design; resolving, closing
# and correcting are the coordinator's (an empty resolution POST is refused on the results page: 302; the
# closing and the correction without «confirmed» show their confirmation page: 200)
MATRIX.update({
    "survey:results": ("get", Y2021, "", SURVEY_READS),
    "survey:results#district": ("get", Y2021, "loai=district", SURVEY_READS),
    "survey:resolve": ("post", Y2021, "", row(403, anon=302, snv__dieuphoi=302)),
    "survey:close": ("get", Y2021, "", SURVEY_EDITS),
    "survey:close#post": ("post", Y2021, "", SURVEY_EDITS),
    "survey:correct": ("get", Y2021, "", SURVEY_EDITS),
    "survey:report": ("get", Y2021, "", SURVEY_READS),
    "survey:report_xlsx": ("get", Y2021, "", SURVEY_READS),
    "survey:report_pdf": ("get", Y2021, "", SURVEY_READS),
})
# -- the open API (issue 11 §4; docs/api.md): public, read-only, the same answer for everybody. In the plain world
# nothing is published: the results and the survey's points are 404; every other method is 405.
MATRIX.update({
    "api-v1:api-root": ("get", {}, "", row(200)),
    "api-v1:index": ("get", {}, "", row(200)),
    "api-v1:index#post": ("post", {}, "", row(405)),
    "api-v1:openapi-json": ("get", {}, "", row(200)),
    "api-v1:openapi-view": ("get", {}, "", row(200)),
    "api-v1:criteria_sets": ("get", {}, "", row(200)),
    "api-v1:criteria_set": ("get", {"set_id": "backan-2021-commune"}, "", row(200)),
    "api-v1:criteria_set#unknown": ("get", {"set_id": "khong-co"}, "", row(404)),
    "api-v1:periods": ("get", {}, "", row(200)),
    "api-v1:period": ("get", Y2021, "", row(200)),
    "api-v1:period#unknown": ("get", {"year": 1999}, "", row(404)),
    "api-v1:period#delete": ("delete", Y2021, "", row(405)),
    "api-v1:period_criteria_set": ("get", {**Y2021, "unit_kind": "district"}, "", row(200)),
    "api-v1:units": ("get", Y2021, "kind=commune&parent=065", row(200)),
    "api-v1:units#bad": ("get", Y2021, "page=0", row(422)),
    "api-v1:province_results": ("get", Y2021, "", row(404)),
    "api-v1:province_latest": ("get", Y2021, "", row(404)),
    "api-v1:province_version": ("get", {**Y2021, "version": 1}, "", row(404)),
    "api-v1:district_results": ("get", Y2021, "", row(200)),
    "api-v1:district": ("get", CHOMOI, "", row(404)),
    "api-v1:district_latest": ("get", CHOMOI, "", row(404)),
    "api-v1:district_version": ("get", {**CHOMOI, "version": 1}, "", row(404)),
    "api-v1:survey": ("get", Y2021, "", row(404)),
    "api_not_found": ("get", {"rest": "khong-co"}, "", row(404)),
    "api_not_found#post": ("post", {"rest": "khong-co"}, "", row(404)),
})
ADMIN_ANSWERS = row(302, admin=200)
ADMIN_SAMPLES = [("admin:index", {}), ("admin:audit_auditentry_changelist", {}),
                 ("admin:accounts_roleassignment_add", {}), ("admin:units_periodunit_changelist", {})]


def all_pattern_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from all_pattern_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}"


def test_every_url_pattern_has_a_row():
    covered = {name.split("#")[0] for name in MATRIX}
    missing = sorted(n for n in set(all_pattern_names()) if n not in covered and not n.startswith("admin:"))
    assert missing == [], f"add these URL patterns to the authorization matrix: {missing}"


@pytest.fixture(autouse=True)
def own_job(world):
    """A finished job with a result file, started by hoamuc.canbo (the "#own" rows)."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from parindex.jobs.models import Job
    name = default_storage.save("jobs/test/ket-qua.pdf", ContentFile(b"%PDF-1.4 test"))
    return Job.objects.create(started_by=get_user_model().objects.get(username="hoamuc.canbo"), kind="test",
                              title="Việc thử", status=Job.Status.DONE, result_name=name,
                              result_filename="ket-qua.pdf", result_content_type="application/pdf")


def _request(client, method, name, kwargs, query):
    from django.urls import reverse
    if name.startswith("jobs:") and kwargs.get("pk") == OWN:  # the fixture's job (none: 404 for all)
        from parindex.jobs.models import Job
        kwargs = {"pk": Job.objects.filter(kind="test").values_list("pk", flat=True).first() or 999999}
    if name == "accounts:revoke":  # the first role granted in the fixtures, whatever id the database gave it
        from parindex.accounts.models import RoleAssignment
        kwargs = {"pk": RoleAssignment.objects.order_by("pk").values_list("pk", flat=True).first()}
    url = reverse(name.split("#")[0], kwargs=kwargs) + (f"?{query}" if query else "")
    data = {"language": "vi", "next": "/"} if name == "set_language" else {}
    if name == "assessments:save_item":
        data = {"points": "1", "version": "0"}
    return getattr(client, method)(url, data)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_expected(client, world, persona, role):
    if role != "anon":
        client.force_login(persona(role))
    got, expected = {}, {}
    for name, (method, kwargs, query, answers) in MATRIX.items():
        if name == "accounts:logout":
            continue  # logging out would end the session for the rows after it; tested below
        got[name] = _request(client, method, name, kwargs, query).status_code
        expected[name] = answers[role]
    assert got == expected


@pytest.mark.parametrize("role", ROLES)
def test_logout_answers_each_role(client, world, persona, role):
    if role != "anon":
        client.force_login(persona(role))
    method, kwargs, query, answers = MATRIX["accounts:logout"]
    assert _request(client, method, "accounts:logout", kwargs, query).status_code == answers[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_is_for_system_administrators_only(client, world, persona, role):
    from django.urls import reverse
    if role != "anon":
        client.force_login(persona(role))
    got = {name: client.get(reverse(name, kwargs=kw)).status_code for name, kw in ADMIN_SAMPLES}
    assert got == {name: ADMIN_ANSWERS[role] for name, _ in ADMIN_SAMPLES}


def test_anonymous_people_are_sent_to_the_login_page(client, world):
    response = client.get("/ky/2021/bang-theo-doi/tinh/")
    assert response["Location"] == "/tai-khoan/dang-nhap/?next=/ky/2021/bang-theo-doi/tinh/"
