"""End to end: the API's interactive docs (/api/v1/docs) run under the site's Content-Security-Policy — Swagger UI
from ninja's own static files, no CSP violation — and «Try it out» gets a JSON answer from the API."""

from playwright.sync_api import expect


def test_the_api_docs_run_under_the_csp(live_server, page, world, screenshot):
    violations, errors = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Chỉ số CCHC — API mở (chỉ đọc)")
    operation = page.locator('.opblock[id$="-parindex_api_v1_period"]')
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    operation.locator('input[placeholder="year"]').fill("2021")
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".responses-table .response .response-col_status").first).to_have_text("200")
    expect(operation.locator(".live-responses-table .response-col_description .microlight").first).to_contain_text(
        '"status_label": "Đang diễn ra"')
    screenshot(page, "api-docs")
    assert violations == [] and errors == []
