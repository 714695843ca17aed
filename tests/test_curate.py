"""`cspkg curate` in a real browser (headless Chromium through Playwright, as the pages are tested),
against the command run as a curator runs it, on a copy of the curated data with a drafted seed:
accept all, reject one, edit one, add one, save, and find the facts in the served API; bad
edits refused in place. And the app's guard: its host, its token, its own page's changes only."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from graph_build.draft import draft_file, write_draft
from tests.fixtures import (
    CHROMIUM,
    ROOT,
    Visit,
    curate_beside_api,
    curated_data_built,
    served,
)

SEED = ROOT / "tests" / "data" / "draft" / "wakefield-csp-board.txt"  # test minutes (tests/test_draft*.py)
OUR_WORDS = "Whether the partnership reviews its plan for anti-social behaviour each year."
RESTATED = "Members said refuge places in the district are too few for the rise in repeat referrals."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    """The curated data built into a store, a draft of the seed, `cspkg curate` on it, and the API
    serving the same store: (review URL, token, API base URL, data folder)."""
    base = tmp_path_factory.mktemp("curate")
    data, store, cache = curated_data_built(base)
    draft = base / "s1.yaml"
    write_draft(draft_file(SEED, data), draft)
    with curate_beside_api(data, store, cache, str(draft)) as (url, token, api_base):
        yield url, token, api_base, data


def card(page: Page, text: str) -> Locator:
    return page.locator(".card", has_text=text).first


def edit_field(page: Page, box: Locator, name: str, value: str) -> None:
    box.get_by_role("button", name="Edit").click()
    field = box.locator(f"[name={name}]")
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)
    box.get_by_role("button", name="Apply").click()


def test_a_curator_reviews_a_draft_and_publishes_it(curated, browser):
    url, _, api_base, data = curated
    visit = Visit(browser)
    page = visit.page
    page.goto(url)
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    cards = page.locator(".card")
    total = cards.count()
    assert total > 10 and page.locator("mark").count() > 10  # spans marked in the minutes

    # clicking a fact shows its span, clicking a span shows its fact
    card(page, "Operation Jemlock").click()
    expect(page.locator("mark.current")).to_have_count(1)
    page.locator("mark").nth(3).click()
    expect(page.locator(".card.current")).to_have_count(1)

    # accept all with the keys: a (accept), j (next); what the draft worded as the minutes is refused
    cards.first.click()
    for _ in range(total):
        page.keyboard.press("a")
        page.wait_for_timeout(150)
        page.keyboard.press("j")
    pending = page.locator(".card", has=page.locator(".state", has_text="pending"))
    expect(pending.first.locator(".card-error")).to_contain_text("own words", timeout=60_000)
    expect(page.locator("body[data-waiting='0']")).to_be_attached()  # no card still on its way
    refused = pending.count()
    assert 0 < refused < total
    expect(page.locator(".card.accepted")).to_have_count(total - refused)

    # the concern restated in our words is accepted; the other refused facts are rejected
    concern = card(page, "gap: about")
    edit_field(page, concern, "statement", RESTATED)
    expect(card(page, "gap: about")).to_have_class(re.compile("accepted"))
    while pending.count():
        pending.first.click()
        page.keyboard.press("r")
        page.wait_for_timeout(300)

    # reject one that was accepted, with the key
    card(page, "Serious Violence Strategy 2024").click()
    page.keyboard.press("r")
    expect(card(page, "Serious Violence Strategy 2024")).to_have_class(re.compile("rejected"))

    # a bad edit is refused in place: the form stays, with the problem by its field
    link = card(page, "→")
    edit_field(page, link, "holder", "no-such-body-anywhere")
    expect(link.locator(".error[data-field=holder]")).to_contain_text("no-such-body-anywhere")
    expect(link.locator("form")).to_be_visible()
    link.get_by_role("button", name="Cancel").click()

    # edit one: the link's status, from the code list
    edit_field(page, card(page, "→"), "status", "non-statutory")
    expect(card(page, "→")).to_contain_text("non-statutory")
    accepted = page.locator(".card.accepted").count()

    # add one from a selection in the minutes
    page.evaluate(
        """() => { const pre = document.getElementById('text'); const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        let node; while ((node = walker.nextNode())) { const at = node.data.indexOf('anti-social'); if (at >= 0) {
        const r = document.createRange(); r.setStart(node, at); r.setEnd(node, at + 11);
        const s = getSelection(); s.removeAllRanges(); s.addRange(r); return; } } }"""
    )
    page.locator("#text").dispatch_event("mouseup")
    expect(page.locator("#adder")).to_be_visible()
    page.locator("#add-kind").select_option("concerns")
    page.locator("#add-go").click()
    new = page.locator("#card-new")
    new.locator("[name=kind]").fill("question")
    new.locator("[name=about]").fill("chesterfield-csp")
    new.locator("[name=statement]").fill(OUR_WORDS)
    new.locator("[name=cite]").fill("para 6")
    new.get_by_role("button", name="Apply").click()
    expect(page.locator(".card.accepted")).to_have_count(accepted + 1, timeout=30_000)

    # save: written in data/minutes, published, served
    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator("#status")).to_contain_text("published", timeout=120_000)
    written = (data / "minutes" / "wakefield-csp-2023-11-14.yaml").read_text()
    assert OUR_WORDS in written and RESTATED in written and "draft:" not in written and "span" not in written
    assert "a lack of refuge places" not in written and "had fallen by 12%" not in written
    assert served(api_base, f'ASK {{ ?c csp:statement "{OUR_WORDS}" ; csp:about ?b }}')
    assert served(api_base, f'ASK {{ ?c csp:statement "{RESTATED}" }}')
    assert served(
        api_base, "ASK { ?l csp:holder ?h ; csp:status ?s FILTER(STRENDS(STR(?s), 'non-statutory')) }"
    )
    assert not served(api_base, "ASK { ?i skos:prefLabel 'Serious Violence Strategy 2024-2027' }")
    errors = [e for e in visit.errors if "status of 422" not in e]  # refusals answer 422, as they should
    assert not visit.elsewhere and not errors, (visit.elsewhere, errors)


def test_the_app_answers_only_its_own_page(curated):
    url, token, _, _ = curated
    root = url.split("/?")[0]
    port = root.rsplit(":", 1)[1]
    assert httpx.get(f"{root}/api/review").status_code == 403  # no token
    assert httpx.get(f"{root}/api/review", headers={"X-Curate-Token": "x" + token}).status_code == 403
    assert httpx.get(url, headers={"Host": f"attacker.example:{port}"}).status_code == 421
    change = {"X-Curate-Token": token, "Content-Type": "application/json"}
    cross = httpx.post(
        f"{root}/api/cards/c0",
        json={"state": "rejected"},
        headers={**change, "Origin": "http://evil.example"},
    )
    assert cross.status_code == 403
    form = httpx.post(
        f"{root}/api/cards/c0",
        content="state=rejected",
        headers={**change, "Origin": root, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 415
    same = httpx.post(f"{root}/api/cards/c0", json={"state": "pending"}, headers={**change, "Origin": root})
    assert same.status_code == 200 and same.json()["state"] == "pending"
