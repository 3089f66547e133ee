"""The Thai admin in which กลุ่มพัฒนาระบบบริหาร defines years, units, indicators, criteria and frameworks.

Every form goes through the models' clean() and the same engine checks as the services; every change is kept by
django-simple-history (history button on each page: who, when, what).
"""

from indicators.admin import (  # noqa: F401  (registers the ModelAdmins)
    base,
    calendar,
    catalog,
    frameworks,
    org,
    results,
)
