"""The review app from the browser alone: minutes uploaded as a PDF are drafted, reviewed (a
meeting's agenda items and decisions edited by their fields), saved and found in the served API;
a draft of data/drafts/ opened from the list; undo; a warning before leaving unsaved changes; no
save over a data/minutes file changed on disk. And the upload route's guard and its refusals,
the same as `cspkg draft`'s."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Dialog, Page, expect

from graph_build.draft import MAX_BYTES, draft_file, write_draft
from tests.fixtures import (
    CHROMIUM,
    ROOT,
    Visit,
    curate_beside_api,
    curated_data_built,
    minutes_pdf,
    scanned_pdf,
    served,
)

SEED = ROOT / "tests" / "data" / "draft" / "wakefield-csp-board.txt"
TARGET = "minutes/wakefield-csp-2023-11-14.yaml"
RESTATED = "The board noted the partnership's performance report for the period."
ACCEPTED = re.compile(r"\baccepted\b")
RECOMMENDED = "The board recommended its serious violence strategy to the council's cabinet."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The curated data built into a store, the API serving it, and `cspkg curate` started with
    no document: (review URL, token, API base URL, data folder, a PDF of test minutes)."""
    base = tmp_path_factory.mktemp("curate-open")
    data, store, cache = curated_data_built(base)
    pdf = minutes_pdf(SEED.read_text(encoding="utf-8"), base / "Wakefield CSP board, 14 Nov 2023.pdf")
    with curate_beside_api(data, store, cache) as (url, token, api_base):
        yield url, token, api_base, data, pdf


def restate_the_meeting(page: Page) -> None:
    """Edit the drafted meeting's agenda items by their fields: one item numbered and titled, its
    copied decisions removed or restated, and an item added with a recommendation; a
    recommendation without its addressee is refused first, by its field."""
    meeting = page.locator(".card[data-kind=meetings]")
    meeting.get_by_role("button", name="Edit").click()
    field = meeting.locator
    field('[data-path="items[0].number"]').fill("2")
    field('[data-path="items[0].title"]').fill("Partnership performance report")
    field('[data-path="items[0].decisions[0].text"]').fill(RESTATED)
    for _ in range(field("fieldset.decision").count() - 1):  # the rest were copied from the minutes
        field("fieldset.decision").last.get_by_role("button", name="Remove decision").click()
    meeting.get_by_role("button", name="Add item").click()
    field('[data-path="items[1].number"]').fill("3")
    field('[data-path="items[1].title"]').fill("Serious violence duty")
    field('[data-path="items[1].cite"]').fill("item 3")
    field("fieldset.item").nth(1).get_by_role("button", name="Add decision").click()
    field('[data-path="items[1].decisions[0].kind"]').select_option("recommendation")
    field('[data-path="items[1].decisions[0].text"]').fill(RECOMMENDED)
    field('[data-path="items[1].decisions[0].cite"]').fill("item 3")
    field('[data-path="items[0].cite"]').fill("item 2")
    meeting.get_by_role("button", name="Apply").click()
    expect(field('.error[data-field="items[1].decisions[0]"]')).to_contain_text("needs 'to'")
    field('[data-path="items[1].decisions[0].to"]').fill("wakefield-metropolitan-district-council")
    meeting.get_by_role("button", name="Apply").click()
    expect(page.locator(".card[data-kind=meetings]")).to_have_class(ACCEPTED)


def test_from_a_pdf_to_facts_served_in_the_browser_alone(app, browser):
    url, _, api_base, data, pdf = app
    visit = Visit(browser)
    page = visit.page
    page.goto(url)
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("#documents")).to_have_attribute("open", "")  # nothing open: the choice shown
    expect(page.locator("#drafts")).to_contain_text("none yet")

    # a file that cannot be minutes is refused as cspkg draft refuses it, and nothing is kept
    page.locator("#file").set_input_files({"name": "empty.txt", "mimeType": "text/plain", "buffer": b""})
    page.get_by_role("button", name="Draft and review", exact=True).click()
    expect(page.locator("#open-status")).to_contain_text("empty.txt: the file is empty")
    assert not list((data / "sources").glob("empty*"))

    page.locator("#file").set_input_files(pdf)
    page.get_by_role("button", name="Draft and review", exact=True).click()
    expect(page.locator(".card").first).to_be_visible(timeout=60_000)
    assert page.locator(".card").count() > 10 and page.locator("mark").count() > 10
    kept = list((data / "sources").glob("*.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == pdf.read_bytes()
    assert len(list((data / "drafts").glob("*.yaml"))) == 1

    # accept all with the keys; what is still worded as the minutes stays pending
    cards = page.locator(".card")
    cards.first.click()
    for _ in range(cards.count()):
        page.keyboard.press("a")
        page.wait_for_timeout(150)
        page.keyboard.press("j")
    pending = page.locator(".card", has=page.locator(".state", has_text="pending"))
    expect(pending.first.locator(".card-error")).to_contain_text("own words", timeout=60_000)

    restate_the_meeting(page)
    while pending.count():
        pending.first.click()
        page.keyboard.press("r")
        page.wait_for_timeout(300)

    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator("#status")).to_contain_text("published", timeout=120_000)
    written = (data / TARGET).read_text()
    assert RESTATED in written and "span" not in written and "draft:" not in written
    prefix = "PREFIX dcterms: <http://purl.org/dc/terms/> "
    assert served(api_base, prefix + f'ASK {{ ?d dcterms:description "{RESTATED}" }}')
    assert served(
        api_base, prefix + f'ASK {{ ?d dcterms:description "{RECOMMENDED}" ; csp:recommendedTo ?b }}'
    )
    assert served(api_base, prefix + 'ASK { ?i dcterms:title "Serious violence duty" }')
    errors = [e for e in visit.errors if "status of 4" not in e]  # refusals answer 4xx, as they should
    assert not visit.elsewhere and not errors, (visit.elsewhere, errors)


def test_undo_leaving_a_changed_file_and_the_list_of_drafts(app, browser):
    url, _, _, data, _ = app
    visit = Visit(browser)
    page = visit.page
    page.goto(url)
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator(".card").first).to_be_visible()  # the document under review stays open

    # undo: a rejection taken back with u, an acceptance with the button
    first = page.locator(".card").first
    first.click()
    before = first.locator(".state").text_content() or ""
    page.keyboard.press("r")
    expect(page.locator(".card").first.locator(".state")).to_have_text("rejected")
    page.keyboard.press("u")
    expect(page.locator(".card").first.locator(".state")).to_have_text(before)
    person = page.locator(".card[data-kind=people]").first
    person.get_by_role("button", name="Reject").click()
    expect(page.locator(".card[data-kind=people]").first).to_have_class(re.compile("rejected"))
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(".card[data-kind=people]").first).to_have_class(ACCEPTED)

    # the file changed on disk since this review saved it: saving is refused, nothing lost
    target = data / TARGET
    theirs = target.read_text() + "# a remark someone else added\n"
    target.write_text(theirs)
    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator("#status")).to_contain_text("changed on disk", timeout=30_000)
    assert target.read_text() == theirs
    expect(page.locator(".card[data-kind=meetings]")).to_have_class(ACCEPTED)  # the review is kept

    # leaving with unsaved changes: the browser asks first
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_timeout(1000)  # the dialog arrives while waiting; dismissed, the page stays
    assert asked == ["beforeunload"]

    # the drafts of data/drafts/ to open: another one opened from the list
    write_draft(draft_file(SEED, data), data / "drafts" / "wakefield-text.yaml")
    other = visit.context.new_page()
    other.goto(url)
    expect(other.locator("body[data-ready=true]")).to_be_attached()
    other.locator("#documents summary").click()
    drafts = other.locator("#drafts li")
    expect(drafts).to_have_count(2)
    expect(other.locator("#drafts li.open")).not_to_have_attribute("data-name", "wakefield-text.yaml")
    other.on("dialog", lambda d: d.accept())  # the unsaved review is left on purpose
    other.locator('#drafts li[data-name="wakefield-text.yaml"]').get_by_role("button", name="Open").click()
    expect(other.locator("#drafts li.open")).to_have_attribute("data-name", "wakefield-text.yaml")
    expect(other.locator(".card.accepted")).to_have_count(0)  # a fresh review of the other draft
    expect(other.locator(".card").first).to_be_visible()

    # the first review was kept in its draft: opened again, it goes on where it was
    first_draft = other.locator('#drafts li:not([data-name="wakefield-text.yaml"])')
    other.locator("#documents summary").click()
    first_draft.get_by_role("button", name="Open").click()
    expect(other.locator("#drafts li.open")).not_to_have_attribute("data-name", "wakefield-text.yaml")
    expect(other.locator(".card[data-kind=meetings]")).to_have_class(ACCEPTED)
    expect(other.locator(".card.rejected").first).to_be_visible()

    # bodies for a decision are found in the graph as the curator types
    meeting = other.locator(".card[data-kind=meetings]")
    meeting.get_by_role("button", name="Edit").click()
    to = meeting.locator('[data-path="items[1].decisions[0].to"]')
    to.fill("")
    to.press_sequentially("wakefield", delay=20)
    options = meeting.locator('datalist[id="list-items[1].decisions[0].to"] option')
    expect(options.first).to_be_attached()
    assert "wakefield-metropolitan-district-council" in options.evaluate_all("os => os.map(o => o.value)")


def test_the_upload_answers_only_its_own_page_and_refuses_what_draft_refuses(app, tmp_path):
    url, token, _, data, pdf = app
    root = url.split("/?")[0]
    port = root.rsplit(":", 1)[1]
    own = {"X-Curate-Token": token, "Origin": root, "Content-Type": "application/octet-stream"}
    before = sorted((data / "sources").iterdir()) if (data / "sources").exists() else []

    def upload(body: bytes, name: str = "m.pdf", **headers: str) -> httpx.Response:
        return httpx.post(
            f"{root}/api/upload", content=body, headers={**own, "X-File-Name": name, **headers}, timeout=60
        )

    assert upload(pdf.read_bytes(), **{"X-Curate-Token": "wrong"}).status_code == 403
    assert upload(pdf.read_bytes(), Origin="http://evil.example").status_code == 403
    assert upload(pdf.read_bytes(), **{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert upload(pdf.read_bytes(), Host=f"attacker.example:{port}").status_code == 421
    form = upload(pdf.read_bytes(), **{"Content-Type": "multipart/form-data; boundary=x"})
    assert form.status_code == 415  # a cross-site form's type
    big = upload(b"x" * (MAX_BYTES + 1), "bundle.pdf")
    assert big.status_code == 413 and "more than the 20 MB" in big.json()["detail"]
    scanned = upload(scanned_pdf(tmp_path / "scan.pdf").read_bytes(), "scan.pdf")
    assert scanned.status_code == 422 and "OCR" in scanned.json()["detail"]
    welsh = "<html lang='cy'><body><h1>Cofnodion</h1><p>Yn bresennol: y Cynghorydd</p></body></html>"
    assert upload(welsh.encode(), "cofnodion.html").status_code == 422
    assert upload("caf\xe9 minutes".encode("cp1252"), "../../etc/x.txt").status_code == 422
    after = sorted((data / "sources").iterdir()) if (data / "sources").exists() else []
    assert after == before  # nothing kept of what was refused
    assert not (data.parent / "etc").exists()
