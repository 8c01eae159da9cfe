"""Unit rules without a database: the "near me" bounding box never excludes a point inside
the radius (property test), the haversine distance, and time-ordered ids."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.farm.geo import EARTH_RADIUS_KM, bounding_box, haversine_py
from services.farm.ids import uuid7


def destination(lat: float, lon: float, distance_km: float, bearing_deg: float) -> tuple[float, float]:
    """The point ``distance_km`` from (lat, lon) along ``bearing_deg`` on the sphere."""
    d, b = distance_km / EARTH_RADIUS_KM, math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    lon2 = (math.degrees(l2) + 540) % 360 - 180
    return math.degrees(p2), lon2


@given(
    lat=st.floats(-85, 85),
    lon=st.floats(-180, 180),
    radius=st.floats(0.1, 500),
    fraction=st.floats(0, 0.999),
    bearing=st.floats(0, 360),
)
def test_every_point_within_the_radius_is_inside_the_box(lat, lon, radius, fraction, bearing) -> None:
    plat, plon = destination(lat, lon, radius * fraction, bearing)
    assert haversine_py(lat, lon, plat, plon) <= radius + 1e-6
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    assert min_lat - 1e-9 <= plat <= max_lat + 1e-9
    assert min_lon - 1e-9 <= plon <= max_lon + 1e-9


def test_box_is_tight_enough_to_be_useful() -> None:
    min_lat, max_lat, min_lon, max_lon = bounding_box(37.5665, 126.9780, 10)
    assert max_lat - min_lat == pytest.approx(0.1799, abs=1e-3)
    assert 0.2 < max_lon - min_lon < 0.25  # wider in degrees at 37.6° N


def test_known_distances() -> None:
    assert haversine_py(37.5665, 126.9780, 35.1796, 129.0756) == pytest.approx(325.0, abs=2.0)  # Seoul-Busan
    assert haversine_py(33.5, 126.5, 33.5, 126.5) == 0.0


def test_uuid7_is_time_ordered_and_version_7() -> None:
    ids = [uuid7() for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {7} and {i.variant for i in ids} == {"specified in RFC 4122"}
