"""Refresh docs/screenshots/: the resident flow on a 360 px phone in every language the
site offers, and the admin results view, from this site's database (run seed_demo first).

    python manage.py refresh_screenshots

Serves the site itself on a free local port for the browser (Playwright driving the
Chromium of tests/browser/conftest.py), and signs the browser in as the first superuser
by a session made here, so no password is needed. Nothing is written to the database
except that session.
"""

from __future__ import annotations

import os
import shutil
import threading
from importlib import import_module
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from wagtail.models import Locale

from surveys.models import SurveyPage

OUT = Path(settings.BASE_DIR) / "docs" / "screenshots"
PHONE = {"width": 360, "height": 640}


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Command(BaseCommand):
    help = "Refresh the resident-flow and admin-results screenshots in docs/screenshots/."

    def handle(self, *args, **options):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as error:
            raise CommandError(
                "Playwright is needed (pip install -r requirements-dev.txt)."
            ) from error
        chromium = (
            os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
        )
        if not Path(chromium).exists():
            raise CommandError(f"Chromium not found at {chromium} (apt-get install chromium).")
        survey = SurveyPage.objects.live().filter(locale=Locale.get_default()).first()
        if survey is None:
            raise CommandError("No live survey: run `manage.py seed_demo` first.")
        server = make_server(
            "127.0.0.1", 0, StaticFilesHandler(get_wsgi_application()), handler_class=_Quiet
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        OUT.mkdir(parents=True, exist_ok=True)
        # Read from the database before Playwright runs its event loop in this thread.
        survey_path = survey.url.split("/", 2)[2]
        results_path = f"/admin/surveys/{survey.responses_survey.pk}/results/"
        session = self.staff_session()
        written = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=["--no-sandbox"]
                )
                written += self.resident_flow(browser, base, survey_path)
                if session is not None:
                    written += self.admin_results(browser, base, results_path, session)
                browser.close()
        finally:
            server.shutdown()
            if session is not None:
                session.delete()
        for path in written:
            self.stdout.write(f"wrote {path.relative_to(settings.BASE_DIR)}")

    def resident_flow(self, browser, base: str, path: str) -> list[Path]:
        """Home, survey, its error summary, thanks, community voices and results, per language."""
        written = []
        for code, _name in settings.LANGUAGES:
            context = browser.new_context(viewport=PHONE, has_touch=True, device_scale_factor=1)
            page = context.new_page()
            steps = [
                ("home", f"/{code}/"),
                ("survey", f"/{code}/{path}"),
                ("errors", None),
                ("thanks", f"/{code}/{path}thanks/"),
                ("voices", f"/{code}/voices/"),
                ("results", f"/{code}/results/"),
            ]
            for name, url in steps:
                if url is None:
                    page.goto(f"{base}/{code}/{path}")
                    with page.expect_navigation():
                        page.locator("#survey-submit, #survey-next").first.click()
                else:
                    page.goto(base + url)
                target = OUT / f"resident-{code}-{name}.png"
                page.screenshot(path=str(target), full_page=name in ("home", "thanks"))
                written.append(target)
            context.close()
        return written

    def staff_session(self):
        """A signed-in session of the first superuser, or None (then no admin screenshot)."""
        user = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
        if user is None:
            self.stderr.write("No superuser: the admin results view is left as it was.")
            return None
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session

    def admin_results(self, browser, base: str, path: str, session) -> list[Path]:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base}]
        )
        page = context.new_page()
        page.goto(base + path)
        target = OUT / "admin-results.png"
        page.screenshot(path=str(target), full_page=False)
        context.close()
        return [target]
