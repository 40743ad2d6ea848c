"""Neighborhoods: stable codes and validated GeoJSON boundaries."""

import pytest
from django.core.exceptions import ValidationError

from cms.geojson import validate_boundary
from cms.models import Neighborhood

SQUARE = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]


@pytest.mark.parametrize(
    "boundary",
    [
        None,
        {"type": "Polygon", "coordinates": [SQUARE]},
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]},
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
        },
        {
            "type": "Polygon",
            "coordinates": [
                [[-97.8, 30.3, 120.5], [-97.7, 30.3], [-97.7, 30.2], [-97.8, 30.3, 120.5]]
            ],
        },
    ],
)
def test_valid_boundaries(boundary):
    validate_boundary(boundary)


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ([1, 2], "must be a GeoJSON object"),
        ({"type": "Point", "coordinates": [0, 0]}, "Polygon or MultiPolygon, not Point"),
        ({"type": "Feature", "geometry": None}, "has no geometry"),
        ({"type": "Polygon", "coordinates": []}, "at least one ring"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "at least four positions"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
            "end at its first",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, "a"], [1, 1], [0, 0]]]},
            "pair of numbers",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, True], [1, 1], [0, 0]]]},
            "pair of numbers",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]},
            "outside longitude",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [float("nan"), 0], [1, 1], [0, 0]]]},
            "finite",
        ),
        ({"type": "MultiPolygon", "coordinates": []}, "at least one polygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [10**400, 0], [1, 1], [0, 0]]]}, "finite"),
    ],
)
def test_invalid_boundaries_get_a_clear_message(boundary, message):
    with pytest.raises(ValidationError, match=message):
        validate_boundary(boundary)


def test_huge_boundaries_are_refused():
    ring = [[i / 100000, 0] for i in range(60000)] + [[0, 0]]
    ring[0] = [0, 0]
    with pytest.raises(ValidationError, match="simplify"):
        validate_boundary({"type": "Polygon", "coordinates": [ring]})


@pytest.mark.django_db
def test_a_saved_code_cannot_change():
    area = Neighborhood.objects.create(name="North", code="north")
    area.code = "n"
    with pytest.raises(ValidationError, match="cannot change"):
        area.full_clean()
    area.name = "North side"
    area.code = "north"
    area.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["has space", "-lead", "ñ", "x" * 33])
def test_codes_are_short_identifiers(code):
    with pytest.raises(ValidationError):
        Neighborhood(name="X", code=code).full_clean()


@pytest.mark.django_db
def test_the_snippet_editor_refuses_a_bad_boundary(client, staff):
    client.force_login(staff)
    result = client.post(
        "/admin/snippets/cms/neighborhood/add/",
        {"name": "River", "code": "river", "population": "100", "boundary": '{"type": "Point"}'},
    )
    assert result.status_code == 200
    assert "must be a Polygon or MultiPolygon" in result.content.decode()
    assert not Neighborhood.objects.exists()
    result = client.post(
        "/admin/snippets/cms/neighborhood/add/",
        {"name": "River", "code": "river", "population": "", "boundary": "not json"},
    )
    assert "Enter a valid JSON" in result.content.decode()
    assert not Neighborhood.objects.exists()
    result = client.post(
        "/admin/snippets/cms/neighborhood/add/",
        {"name": "River", "code": "river", "population": "", "boundary": ""},
    )
    assert result.status_code == 302
    assert Neighborhood.objects.get().boundary is None
