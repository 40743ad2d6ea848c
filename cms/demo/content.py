"""The demo's fictional city: neighborhoods, home page, resource pages, site settings."""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Locale, Page, Site

from cms.models import ContentPage, HomePage, Neighborhood, SiteSettings

CITY = "Riverton"
ORGANIZATION = "Riverton Community Trust Coalition"

# (code, name, adult population, column, row) on a 4 x 3 grid of blocks by the river.
NEIGHBORHOODS = [
    ("northgate", "Northgate", 8200, 0, 0),
    ("cedar-hill", "Cedar Hill", 6400, 1, 0),
    ("old-mill", "Old Mill", 5100, 2, 0),
    ("lakeview", "Lakeview", 9300, 3, 0),
    ("riverside", "Riverside", 11800, 0, 1),
    ("la-loma", "La Loma", 7600, 1, 1),
    ("market-square", "Market Square", 4300, 2, 1),
    ("eastfield", "Eastfield", 10400, 3, 1),
    ("south-bend", "South Bend", 6900, 0, 2),
    ("harbor-flats", "Harbor Flats", 2100, 1, 2),
]
ORIGIN_LON, ORIGIN_LAT, CELL = -97.80, 30.30, 0.02


def block_polygon(column: int, row: int) -> dict:
    west = round(ORIGIN_LON + column * CELL, 4)
    north = round(ORIGIN_LAT - row * CELL, 4)
    east, south = round(west + CELL, 4), round(north - CELL, 4)
    ring = [[west, north], [east, north], [east, south], [west, south], [west, north]]
    return {"type": "Polygon", "coordinates": [ring]}


def ensure_neighborhoods() -> list[Neighborhood]:
    result = []
    for code, name, population, column, row in NEIGHBORHOODS:
        neighborhood = Neighborhood.objects.filter(code=code).first() or Neighborhood(code=code)
        neighborhood.name = name
        neighborhood.population = population
        neighborhood.boundary = block_polygon(column, row)
        neighborhood.full_clean()
        neighborhood.save()
        result.append(neighborhood)
    return result


def ensure_home_page() -> HomePage:
    """The site's root page; replaces Wagtail's placeholder welcome page."""
    home = HomePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if home is None:
        # Migrations create Wagtail's root page and default locale; `flush` removes them.
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = HomePage(
            title=f"Community trust in {CITY}",
            slug="home-riverton",
            intro=(
                f"<p>The {ORGANIZATION} asks residents how safe they feel with local "
                "police and immigration enforcement, neighborhood by neighborhood, and "
                "publishes what it learns. You never need an account and we never ask "
                "for your name.</p>"
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
        else:
            placeholder = site.root_page
            site.root_page = home
            site.site_name = ORGANIZATION
            site.save()
            if placeholder.specific_class is Page and not placeholder.get_children().exists():
                placeholder.delete()
        home.refresh_from_db()
    site_settings = SiteSettings.for_site(home.get_site())
    site_settings.organization_name = ORGANIZATION
    site_settings.save()
    return home


RESOURCE_PAGES = [
    (
        "know-your-rights-traffic-stop",
        "Know your rights at a traffic stop",
        "What you can expect and what you can say if police stop your car.",
        """
<h2>Stay calm and keep your hands visible</h2>
<p>Pull over where it is safe, turn off the engine and keep your hands on the wheel.
Sudden movements can be misread.</p>
<h2>What you must show</h2>
<p>The driver usually has to show a driver's licence, the vehicle registration and proof
of insurance. Passengers in most places do not have to show identification unless they
are suspected of something.</p>
<h2>You may stay silent</h2>
<p>You can say "I choose to remain silent." You do not have to answer questions about
where you were born, your immigration status or where you are going. Do not lie and do
not hand over false documents.</p>
<h2>Searches</h2>
<p>You can say "I do not consent to a search." Officers may search anyway if they
believe they have a legal reason; do not resist physically. Remember the officers'
names or badge numbers and the patrol car number.</p>
<h2>If you are detained</h2>
<p>Ask "Am I free to go?" If you are detained, ask to speak to a lawyer. Do not sign
papers you do not understand. Memorise the phone number of a family member and of a
legal aid organisation.</p>
<p><em>This page is general information, not legal advice. Laws differ between places;
a local legal aid organisation can tell you what applies where you live.</em></p>
""",
    ),
    (
        "report-a-crime-safely",
        "How to report a crime safely",
        "Ways to report a crime or ask for help, including without giving your name.",
        """
<h2>In an emergency</h2>
<p>If someone is in danger, call the emergency number. You can ask for an interpreter;
say the name of your language in English.</p>
<h2>Reporting without giving your name</h2>
<p>Many cities run anonymous tip lines and online forms. Crime Stoppers programmes do
not ask for your name or trace calls.</p>
<h2>Getting help from someone you trust</h2>
<p>Victim advocates, community organisations and some faith groups can help you report
and go with you to appointments. Victims of some crimes can apply for protections that
do not depend on immigration status; ask a legal aid organisation about them.</p>
<h2>Write it down</h2>
<p>Note what happened, when and where, and who saw it, while you remember. Keep a copy
of any report number you are given.</p>
""",
    ),
]


def ensure_resource_pages(home: HomePage) -> list[ContentPage]:
    pages = []
    for slug, title, intro, body in RESOURCE_PAGES:
        page = ContentPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = ContentPage(
                slug=slug, title=title, intro=intro, body=body.strip(), show_in_menus=True
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        pages.append(page)
    if not home.resources:
        home.resources = [("resource", {"page": page, "description": page.intro}) for page in pages]
        home.save_revision().publish()
    return pages


def ensure_results_page(home: HomePage, survey) -> None:
    """A public results page for the demo survey, by quarter, with the trend chart (the
    fictional agreement marked on it)."""
    from cms.demo.synthetic import FIRST_DAY, LAST_DAY
    from cms.models import ResultsPage
    from cms.results_periods import QUARTERS

    if ResultsPage.objects.child_of(home).exists():
        return
    page = ResultsPage(
        title="How safe do neighborhoods feel?",
        slug="results",
        survey=survey,
        intro=(
            "<p>What residents of each neighborhood told us about the local police, "
            "weighted to each neighborhood's population.</p>"
        ),
        published_keys="trust_index reporting_index would_call worry_stop_ice "
        "needed_not_called avoided age_group",
        weighting="neighborhood",
        period_kind=QUARTERS,
        since=FIRST_DAY,
        until=LAST_DAY,
        show_trend=True,
        show_in_menus=True,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
