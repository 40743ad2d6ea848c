"""Real-browser tests: Playwright driving Debian's Chromium.

Skipped with a reason where Chromium or Playwright is missing, except in CI (CI=true),
where a missing browser is a failure.
"""

import importlib
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the live server's database
# work happens in its own thread, but fixtures here touch the ORM from this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def migrated_data(transactional_db):
    """Live-server tests run in real transactions, and the database is flushed after each
    one, taking what data migrations made with it: make the staff roles again."""
    from django.apps import apps

    importlib.import_module("cms.migrations.0003_staff_roles").create_roles(apps, None)
    importlib.import_module("feedback.migrations.0002_moderation_roles").grant(apps, None)


@pytest.fixture(autouse=True)
def quick_fingers(settings):
    """A test browser answers in milliseconds; a person would not trip the timing check."""
    settings.MINIMUM_FILL_SECONDS = 0


@pytest.fixture
def phone(browser):
    """A small phone: 360 x 640, touch."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, base_url: str, email: str, password: str = "correct horse battery staple"):  # noqa: S107
    """Sign in through allauth as a staff member with the factories' authenticator app."""
    from tests.factories import totp_code

    page.goto(base_url + "/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/**")


# --- accessibility: axe-core from npm, run in the page -------------------------------

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        reason = "axe-core is not installed (make test runs npm ci)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text()


def check(page, axe_source: str, what: str) -> None:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not problems, f"{what}: {problems}"
