"""The time zones a person chooses from: the zones our users live in first, then every current
zone of the tz database by region. Old names (US/Eastern, Brazil/East, GMT+0, Asia/Calcutta…)
are links in the database; they are not offered, but a workspace that saved one keeps it.

The current zones are those of `zone.tab` (one or more per country, which keeps Amsterdam and
Luanda that `zone1970.tab` merges into Brussels and Lagos) plus UTC; the old names come from the
links of `tzdata.zi`. Both files are read where `zoneinfo` reads its zones: the system's tz
directories, then the `tzdata` package when it is installed.
"""

from __future__ import annotations

import functools
import zoneinfo
from importlib import resources
from pathlib import Path

from django.utils.translation import gettext_lazy as _

UTC = "UTC"

# Short on purpose: where the freelancers who write Portuguese, Spanish or English live.
COMMON = (
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/Bogota",
    "America/Argentina/Buenos_Aires",
    "America/Santiago",
    "America/Lima",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Africa/Luanda",
    "Africa/Maputo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    UTC,
)

REGIONS = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


def _tz_file(name: str) -> str | None:
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def zones_of_table(available: set[str], zone_tab: str | None) -> frozenset[str]:
    """The current zones: those `zone.tab` names that can be loaded, and UTC. Without the
    table, the Region/City names (which leaves out most old names, not all)."""
    if zone_tab is None:
        named = {zone for zone in available if zone.partition("/")[0] in REGIONS}
    else:
        named = {
            columns[2]
            for line in zone_tab.splitlines()
            if not line.startswith("#") and len(columns := line.split("\t")) >= 3
        }
    return frozenset(named & available) | {UTC}


def links_of(tzdata_zi: str | None, current: frozenset[str]) -> dict[str, str]:
    """Old name -> current name, for every link of the database that is not itself current."""
    links = {}
    for line in (tzdata_zi or "").splitlines():
        if line.startswith("L "):
            _link, target, name = line.split()[:3]
            links[name] = target
    names = {}
    for name, target in links.items():
        seen = {name}
        while target not in current and target in links and target not in seen:
            seen.add(target)  # a link to a link, followed to the zone
            target = links[target]
        target = UTC if target == "Etc/UTC" else target
        if name not in current and target in current:
            names[name] = target
    if UTC in current and "Etc/UTC" not in current:
        names["Etc/UTC"] = UTC  # the zone UTC is a link to, as some browsers name it
    return names


@functools.cache
def current_zones() -> frozenset[str]:
    return zones_of_table(zoneinfo.available_timezones(), _tz_file("zone.tab"))


@functools.cache
def old_names() -> dict[str, str]:
    """Old name -> current name (Asia/Calcutta -> Asia/Kolkata, US/Eastern -> America/New_York)."""
    return links_of(_tz_file("tzdata.zi"), current_zones())


def current_name(zone: str) -> str | None:
    """The current name of a zone that is saved under an old one; None if there is none."""
    return old_names().get(zone)


def label(zone: str, *, region: bool = True) -> str:
    shown = zone if region or "/" not in zone else zone.partition("/")[2]
    return shown.replace("_", " ")


@functools.cache
def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Option groups: the common zones, then each region's zones (the region left out of their
    labels: the group says it)."""
    zones = current_zones()
    groups = [(_("Common"), [(zone, label(zone)) for zone in COMMON if zone in zones])]
    for region, name in REGIONS.items():
        members = sorted(zone for zone in zones if zone.partition("/")[0] == region)
        if members:
            groups.append((name, [(zone, label(zone, region=False)) for zone in members]))
    return groups
