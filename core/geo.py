"""Distances on the earth for check-ins (issue 20): the haversine formula on a sphere of the
earth's mean radius. Within a few metres of the ellipsoid's answer at the scale of a site and a
phone's GPS, which is all a check-in needs."""

from decimal import Decimal
from math import asin, cos, radians, sin, sqrt

from django.utils.formats import number_format
from django.utils.translation import gettext as _

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1, lng1, lat2, lng2):
    """Metres between two points given in degrees (floats or Decimals)."""
    φ1, φ2 = radians(float(lat1)), radians(float(lat2))
    dφ, dλ = φ2 - φ1, radians(float(lng2) - float(lng1))
    a = sin(dφ / 2) ** 2 + cos(φ1) * cos(φ2) * sin(dλ / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(a)))


def distance_text(metres):
    """"120 m" or "3.4 km", in the reader's language and number format."""
    if metres < 1000:
        # GPS on a phone is good to ten metres at best: more digits would claim what it cannot tell.
        return _("%(n)s m") % {"n": number_format(int(round(metres, -1)) if metres >= 20 else int(round(metres)))}
    km = Decimal(metres / 1000).quantize(Decimal("1") if metres >= 100_000 else Decimal("0.1"))
    return _("%(n)s km") % {"n": number_format(km, decimal_pos=0 if metres >= 100_000 else 1)}
