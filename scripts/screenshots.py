#!/usr/bin/env python3
"""Screenshots of the product for docs/screenshots/ (described in its README.md).

Runs headless Chromium (Playwright, the system's /usr/bin/chromium) against a running server
with the demo data, e.g. `make run` in another terminal:

    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--out DIR]

It signs in as the demo users (password demo-ltc-2026), reads the app in Simplified Chinese,
and changes nothing: the payment plan is typed into the editor but not saved. The quote PDF
is rendered with pdftoppm (`apt-get install poppler-utils`); without it the quote's printable
page is shot instead. Each PNG is reduced to a 256-colour palette to keep the files small.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote as urlquote

from PIL import Image
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "demo-ltc-2026"
LANGUAGE = "zh-hans"
LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parent.parent


def save(png: bytes, path: Path) -> None:
    """Write `png` as a 256-colour palette PNG (UI pictures lose nothing visible)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    print(
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
        f"{image.width}x{image.height}, {path.stat().st_size // 1024} KB"
    )


class Session:
    """One signed-in browser context of a demo user, reading the app in Chinese."""

    def __init__(self, browser, base: str, username: str, *, phone: bool = False):
        self.base = base
        options = (
            {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
            if phone
            else {"viewport": LAPTOP}
        )
        self.context = browser.new_context(locale="zh-CN", **options)
        self.context.add_cookies([{"name": "django_language", "value": LANGUAGE, "url": base}])
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(f"{base}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("form[action='/login/'] button[type=submit]")
        self.page.wait_for_url(f"{base}/")
        lang = self.page.get_attribute("html", "lang")
        if lang != LANGUAGE:  # a saved choice of this user wins over the cookie
            sys.exit(f"{username} reads the app in {lang}; switch it to 简体中文 first")

    def api(self, path: str) -> dict:
        response = self.page.request.get(f"{self.base}/api/v1/{path}")
        if not response.ok:
            sys.exit(f"GET /api/v1/{path}: {response.status}")
        return response.json()

    def first(self, path: str) -> dict:
        rows = self.api(path)["results"]
        if not rows:
            sys.exit(f"the demo data has nothing at /api/v1/{path}: run `make seed` first")
        return rows[0]

    def goto(self, path: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        if response is None or response.status != 200:
            sys.exit(f"{path}: {response.status if response else 'no answer'}")
        self.page.wait_for_load_state("networkidle")

    def close(self) -> None:
        if self.errors:
            print("console errors:", *self.errors, sep="\n  ")
        self.context.close()


def account_page(browser, base: str, out: Path) -> None:
    """Customer 360 of a Chinese customer, on a laptop and on a phone."""
    laptop = Session(browser, base, "sales")
    account = laptop.first(f"accounts/?search={urlquote('明辉')}")
    laptop.goto(f"/customers/accounts/{account['id']}/")
    save(laptop.page.screenshot(full_page=True), out / "account-360-zh-1366.png")
    laptop.close()
    phone = Session(browser, base, "sales", phone=True)
    phone.goto(f"/customers/accounts/{account['id']}/")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        print(f"warning: the account page is {width} px wide on a {PHONE['width']} px phone")
    # the first two screens: the header, the figures and the first lists
    shot = phone.page.screenshot(
        full_page=True, clip={"x": 0, "y": 0, "width": PHONE["width"], "height": 2 * 844}
    )
    save(shot, out / "account-360-zh-390.png")
    phone.close()


def plan_editor(browser, base: str, out: Path) -> None:
    """A draft contract's payment plan typed as 30 % / 60 % / an amount for the rest, unsaved."""
    session = Session(browser, base, "sales")
    contract = session.first("contracts/?status=draft")
    session.goto(f"/contracts/{contract['id']}/")
    form = session.page.locator("#plan-form")
    rows = form.locator("[data-plan-row]")
    while rows.count() < 2:
        form.locator("[data-plan-add]").click()
    rows.nth(0).locator("input[name$='-name']").fill("预付款")
    rows.nth(0).locator("select[name$='-trigger']").select_option("on_signing")
    rows.nth(0).locator("[data-plan-percentage]").fill("30")
    rows.nth(1).locator("input[name$='-name']").fill("到货款")
    rows.nth(1).locator("select[name$='-trigger']").select_option("on_delivery")
    rows.nth(1).locator("[data-plan-percentage]").fill("60")
    if rows.count() < 3:
        form.locator("[data-plan-add]").click()
    third = rows.nth(2)
    third.locator("input[name$='-name']").fill("质保金")
    third.locator("[data-plan-mode]").select_option("amount")
    remaining = form.locator("[data-plan-remaining]").inner_text()
    # the rest of the contract total as the third row's amount: the remainder reads ¥0.00
    amount = remaining.replace("¥", "").replace(",", "").strip()
    third.locator("[data-plan-amount]").fill(amount)
    # the editor's card, cut from the whole page so the sticky top bar does not cover it
    card = form.locator("xpath=ancestor::div[contains(@class, 'card')][1]")
    session.page.evaluate("window.scrollTo(0, 0)")
    box = (card if card.count() else form).bounding_box()
    clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}
    save(session.page.screenshot(full_page=True, clip=clip), out / "plan-editor-zh-1366.png")
    session.close()


def quote_pdf(browser, base: str, out: Path) -> None:
    """Page 1 of a sent quote's PDF in Chinese."""
    session = Session(browser, base, "sales")
    quote = session.first("quotes/?status=sent")
    path = f"/opportunities/quotes/{quote['id']}/"
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        response = session.page.request.get(f"{base}{path}?format=pdf&lang={LANGUAGE}")
        if not response.ok or response.headers.get("content-type") != "application/pdf":
            sys.exit(f"{path}?format=pdf: {response.status}")
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "quote.pdf"
            pdf.write_bytes(response.body())
            subprocess.run(
                [
                    pdftoppm,
                    "-png",
                    "-r",
                    "80",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    pdf,
                    pdf.with_suffix(""),
                ],
                check=True,
            )
            save(pdf.with_suffix(".png").read_bytes(), out / "quote-pdf-zh.png")
    else:
        print("pdftoppm not found (apt-get install poppler-utils): shooting the printable page")
        session.goto(f"{path}?print=1&lang={LANGUAGE}")
        save(session.page.screenshot(full_page=True), out / "quote-pdf-zh.png")
    session.close()


def global_search(browser, base: str, out: Path) -> None:
    """Ctrl-K, then 明辉 typed: accounts, contacts, leads and deals as you type."""
    session = Session(browser, base, "sales")
    session.page.keyboard.press("Control+k")
    session.page.keyboard.type("明辉", delay=80)
    session.page.wait_for_selector("#global-search-results .search-hit")
    session.page.wait_for_load_state("networkidle")
    save(session.page.screenshot(), out / "search-zh-1366.png")
    session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--lang=zh-CN"],
        )
        try:
            account_page(browser, base, args.out)
            plan_editor(browser, base, args.out)
            quote_pdf(browser, base, args.out)
            global_search(browser, base, args.out)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
