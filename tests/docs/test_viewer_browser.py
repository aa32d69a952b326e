"""The trace viewer in the system Chromium: a recorded trace renders one row per span in lanes, a
click shows the span's code link, Java twin and book links, and links are drawn."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from rocketmq_ref.common.otlp_json import read_spans
from rocketmq_ref.tools.traceview import make_server, serve_in_thread
from rocketmq_ref.tools.walkthrough_model import find

from .test_traceview import linked_trace  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make browser` (or apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:  # playwright gives the browser a fresh temp profile
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_viewer(browser, trace: Path):
    server = make_server(trace, 0, docs_dir=None)
    serve_in_thread(server)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/", timeout=15000)
    page.wait_for_selector(".span-row", timeout=15000)
    return server, page, errors


def test_recorded_trace_renders_every_span_and_a_click_shows_its_code_link(browser):
    w = find("namesrv_routes")
    spans = read_spans(w.trace_file)
    server, page, errors = open_viewer(browser, w.trace_file)
    try:
        assert page.locator(".span-row").count() == len(spans)
        assert page.locator(".lane").count() >= 1
        row = page.locator(".span-row", has_text="RouteInfoManager.register_broker").first
        row.click()
        link = page.locator("#code-link")
        recorded = next(s for s in spans if s["name"] == "RouteInfoManager.register_broker")
        line = recorded["attrs"]["code.line.number"]
        assert link.get_attribute("href") == (
            f"../_modules/rocketmq_ref/namesrv/routeinfo/route_info_manager.html#L{line}")
        assert "RouteInfoManager#registerBroker" in page.locator("#java-link").inner_text()
        assert page.locator(".book-link", has_text="B2.3.2").get_attribute("href") == \
            "../book/b.html#b2-3-2"
        link.click()  # the served source page opens at that line
        page.wait_for_selector(f"#L{line}", timeout=10000)
        assert "register_broker" in page.content()
        assert errors == []
    finally:
        page.close()
        server.shutdown()
        server.server_close()


def test_links_are_drawn_from_producer_to_consumer(browser, linked_trace):  # noqa: F811
    server, page, errors = open_viewer(browser, linked_trace)
    try:
        paths = page.locator("svg#links path.span-link")
        assert paths.count() == 1
        producer = page.locator(".span-row", has_text="send TopicTest").get_attribute("data-span-id")
        assert paths.first.get_attribute("data-from") == producer
        page.locator(".span-row", has_text="process TopicTest").click()
        assert "linked from: send TopicTest" in page.locator("#details").inner_text()
        assert "consumed" in page.locator("#details").inner_text()
        assert errors == []
    finally:
        page.close()
        server.shutdown()
        server.server_close()
