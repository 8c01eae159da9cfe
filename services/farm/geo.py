""" "Near me" without PostGIS: a bounding box that the (latitude, longitude) index can
serve, then the exact great-circle (haversine) distance, computed in SQL (the list's
statement, ``store/farms.py``) as ``haversine_py`` computes it here."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of every point within ``radius_km`` of (lat, lon).

    The longitude half-width is the exact extent of a spherical cap, asin(sin(d)/cos(lat)),
    so no point inside the radius falls outside the box; near a pole the box spans all
    longitudes."""
    angular = radius_km / EARTH_RADIUS_KM
    min_lat, max_lat = lat - math.degrees(angular), lat + math.degrees(angular)
    if min_lat <= -90 or max_lat >= 90:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    if ratio >= 1:
        return min_lat, max_lat, -180.0, 180.0
    half = math.degrees(math.asin(ratio))
    if lon - half < -180 or lon + half > 180:  # crosses the antimeridian: no longitude bound
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, lon - half, lon + half


def haversine_py(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in km (tests, and checking the SQL's)."""
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
