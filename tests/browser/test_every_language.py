"""Every public page type, in every language the site offers, on a small phone: no
sideways scroll at 320 and 360 px, no axe violation, no link or form that leaves the
page's language, and no text marked with another language than its own where a script
or accent tells.

Page types and their sub-pages are found from the site (tests/browser/test_accessibility.py
`page_type_urls`); a language added to LANGUAGES is visited without editing this file.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from surveys.models import SurveyPage
from tests.browser.conftest import check
from tests.browser.test_accessibility import page_type_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]

# Links and form actions on the site that do not keep the page's language prefix; the
# language switcher's links say where they lead with hreflang and are left out.
LEAVING = """(language) => [...document.querySelectorAll('a[href], form[action]')]
    .filter(el => !el.hasAttribute('hreflang'))
    .map(el => new URL(el.getAttribute('href') ?? el.getAttribute('action'), location.href))
    .filter(url => url.origin === location.origin)
    .map(url => url.pathname)
    .filter(path => !/^\\/(static|media|admin|accounts|documents)\\//.test(path))
    .filter(path => !path.startsWith('/' + language + '/'))"""

# Text whose script or accents contradict the language it is marked with.
MISLABELLED = """() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, text = node.textContent.trim();
        const parent = node.parentElement;
        if (!text || !parent || parent.closest('script, style, noscript, [hidden]')) continue;
        const lang = (parent.closest('[lang]')?.getAttribute('lang') || '').split('-')[0];
        const arabic = /[\\u0600-\\u06ff]/.test(text);
        const latinWords = (text.match(/[A-Za-z\\u00c0-\\u00ff]{3,}/g) || []).length;
        if (arabic && lang !== 'ar') found.push([lang, text]);
        else if (!arabic && lang === 'ar' && latinWords >= 2) found.push([lang, text]);
        else if (lang === 'en' && /[ñ¿¡áéíóú]/i.test(text)) found.push([lang, text]);
    }
    return found.slice(0, 5);
}"""


@pytest.fixture
def site(live_server):
    # With responses: results pages then show their charts, tables and maps.
    call_command("seed_demo", stdout=StringIO())
    return SurveyPage.objects.get(locale__language_code="en")


def visits(survey_url: str):
    """(what, path after the language prefix) for every page type and state."""
    for what, url in page_type_urls():
        yield what, url.split("/", 2)[2]


def test_every_page_in_every_language_fits_a_phone_and_stays_in_its_language(
    live_server, site, browser, axe_source
):
    problems = []
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 640})
    page = context.new_page()
    checked = 0
    for language in LANGUAGES:
        for what, rest in visits(site.url):
            url = f"/{language}/{rest}"
            page.set_viewport_size({"width": 360, "height": 640})
            page.goto(live_server.url + url)
            states = [what]
            if rest == site.url.split("/", 2)[2]:
                states.append(f"{what} with errors")
            for state in states:
                if state.endswith("with errors"):
                    with page.expect_navigation():
                        page.locator("#survey-submit, #survey-next").first.click()
                for width in (320, 360):
                    page.set_viewport_size({"width": width, "height": 640})
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        problems.append(f"{url} {state}: {scroll} px wide at {width}")
                leaving = page.evaluate(LEAVING, language)
                if leaving:
                    problems.append(f"{url} {state}: links leave /{language}/: {leaving[:3]}")
                mislabelled = page.evaluate(MISLABELLED)
                if mislabelled:
                    problems.append(f"{url} {state}: lang differs from text: {mislabelled}")
                try:
                    check(page, axe_source, f"{url} {state}")
                except AssertionError as error:
                    problems.append(str(error))
                checked += 1
    context.close()
    assert checked >= len(LANGUAGES) * 6
    assert not problems, "\n".join(problems)
