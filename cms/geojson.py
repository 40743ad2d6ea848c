"""Validation of neighborhood boundaries given as GeoJSON.

A boundary is a GeoJSON ``Polygon`` or ``MultiPolygon`` geometry, or a ``Feature``
holding one. Coordinates are WGS 84 longitude/latitude pairs (RFC 7946); every ring is
closed and has at least four positions.
"""

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_POSITIONS = 50_000


def validate_boundary(value: Any) -> None:
    """Raise ValidationError with a plain message unless `value` is a usable boundary."""
    if value in (None, ""):
        return
    if not isinstance(value, dict):
        raise ValidationError(_("The boundary must be a GeoJSON object."))
    geometry = value
    if value.get("type") == "Feature":
        geometry = value.get("geometry")
        if not isinstance(geometry, dict):
            raise ValidationError(_("The GeoJSON Feature has no geometry."))
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(_("A MultiPolygon needs at least one polygon."))
        polygons = coordinates
    else:
        raise ValidationError(
            _("The boundary must be a Polygon or MultiPolygon, not %(kind)s.")
            % {"kind": kind or _("an unknown type")}
        )
    positions = 0
    for polygon in polygons:
        positions += _validate_polygon(polygon)
    if positions > MAX_POSITIONS:
        raise ValidationError(
            _("The boundary has %(count)d points; simplify it to at most %(max)d.")
            % {"count": positions, "max": MAX_POSITIONS}
        )


def _validate_polygon(polygon: Any) -> int:
    if not isinstance(polygon, list) or not polygon:
        raise ValidationError(_("A polygon needs at least one ring of coordinates."))
    positions = 0
    for ring in polygon:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(_("Each ring of a polygon needs at least four positions."))
        for position in ring:
            _validate_position(position)
        if ring[0][:2] != ring[-1][:2]:
            raise ValidationError(_("Each ring of a polygon must end at its first position."))
        positions += len(ring)
    return positions


def _validate_position(position: Any) -> None:
    if (
        not isinstance(position, list)
        or len(position) < 2
        or not all(
            isinstance(number, int | float) and not isinstance(number, bool)
            for number in position[:2]
        )
    ):
        raise ValidationError(_("Each position must be a [longitude, latitude] pair of numbers."))
    try:
        longitude, latitude = float(position[0]), float(position[1])
    except OverflowError:  # an integer too large for a float
        raise ValidationError(_("Coordinates must be finite numbers.")) from None
    if not (math.isfinite(longitude) and math.isfinite(latitude)):
        raise ValidationError(_("Coordinates must be finite numbers."))
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise ValidationError(
            _("The position [%(lon)s, %(lat)s] is outside longitude -180..180 / latitude -90..90.")
            % {"lon": longitude, "lat": latitude}
        )
