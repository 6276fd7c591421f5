"""Content-Security-Policy and Permissions-Policy on every HTML page; no inline script anywhere, so
the policy can forbid it (docs/security.md, "Content-Security-Policy")."""

import re
from pathlib import Path

import pytest

import parindex
from tests.web.test_authorization_matrix import MATRIX, _request

ROOT = Path(parindex.__file__).parent
TEMPLATES = sorted(ROOT.rglob("templates/**/*.html"))
SCRIPTS = sorted(ROOT.rglob("static/**/*.js"))
INLINE_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style(?P<attrs>[^>]*)>", re.IGNORECASE)


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("role", ["anon", "admin", "snv.dieuphoi", "hoamuc.canbo", "chomoi.thamdinh"])
def test_every_html_page_of_the_matrix_carries_both_policies(client, world, persona, role):
    if role != "anon":
        client.force_login(persona(role))
    html_pages, missing = [], []
    for name, (method, kwargs, query, _answers) in MATRIX.items():
        if name == "accounts:logout":
            continue
        response = _request(client, method, name, kwargs, query)
        if not response.get("Content-Type", "").startswith("text/html") or response.status_code in (301, 302):
            continue
        html_pages.append(name)
        csp = _directives(response.get("Content-Security-Policy", ""))
        if (csp.get("script-src") != ["'self'"] or csp.get("frame-ancestors") != ["'none'"]
                or csp.get("form-action") != ["'self'"] or csp.get("img-src") != ["'self'", "data:"]
                or "'unsafe-inline'" in csp.get("style-src", ["'unsafe-inline'"])
                or "camera=()" not in response.get("Permissions-Policy", "")
                or "geolocation=()" not in response.get("Permissions-Policy", "")):
            missing.append((name, response.get("Content-Security-Policy"), response.get("Permissions-Policy")))
    assert len(html_pages) > 5
    assert missing == []


def test_a_document_page_links_its_styles_and_any_inline_style_carries_the_nonce(login, world):
    response = login("hoamuc.canbo").get("/ky/2021/don-vi/02098/tu-danh-gia/bao-cao/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<link rel="stylesheet" href="[^"]*documents/document\.css"', html)
    style_src = _directives(response["Content-Security-Policy"])["style-src"]
    for nonce in re.findall(r'<style nonce="([^"]*)">', html):
        assert f"'nonce-{nonce}'" in style_src
    assert re.findall(r"<style>", html) == []


def test_no_template_has_an_inline_event_handler_or_inline_script():
    handlers = [str(p.relative_to(ROOT)) for p in TEMPLATES if INLINE_HANDLER.search(p.read_text())]
    scripts = [str(p.relative_to(ROOT)) for p in TEMPLATES if INLINE_SCRIPT.search(p.read_text())]
    assert len(TEMPLATES) > 20
    assert (handlers, scripts) == ([], [])


def test_every_inline_style_block_carries_the_request_nonce():
    bare = [f"{p.relative_to(ROOT)}: <style{m['attrs']}>" for p in TEMPLATES for m in STYLE_TAG.finditer(p.read_text())
            if 'nonce="{{ request.csp_nonce }}"' not in m["attrs"]]
    styled = [str(p.relative_to(ROOT)) for p in TEMPLATES if re.search(r"<[a-zA-Z][^>]*\sstyle\s*=", p.read_text())]
    assert (bare, styled) == ([], [])


def test_no_script_writes_inline_handlers_or_evaluates_text():
    bad = re.compile(r"""setAttribute\(\s*["']on|\.innerHTML\s*=.*\son[a-z]+=|\beval\(|new Function\(""")
    assert len(SCRIPTS) >= 3
    assert [str(p.relative_to(ROOT)) for p in SCRIPTS if bad.search(p.read_text())] == []
