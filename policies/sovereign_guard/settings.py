"""Pack-wide settings: the stack facts several policies need, parsed from one place.

pulumi-policy gives each policy only its own config. The stack facts (environment, exposed
zones, administrators' source ranges, approved endpoints, offer overrides, suppressions) are
needed by several policies, so they live in the config of one policy,
`hygiene-policy-config-require-validity`; its schema is settings_schema.py. This module parses
that config into `Settings`, recording every problem instead of raising. How the parsed settings
reach the other policies (the settings policy runs first in every call and publishes them) is the
contract in analysis_call.py; how the environment is decided is environment.py.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import catalogue, clock
from . import suppressions as sup
from .environment import program_environment, program_health_data, resolve_environment
from .settings_schema import DEFAULT_MAX_SUPPRESSION_DAYS, SERVICES

MIN_IPV4_PREFIX = 16
MIN_IPV6_PREFIX = 48

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class ApprovedEndpoint:
    url: str
    """Normalized (catalogue.normalize_url)."""
    offer: str
    regions: tuple[str, ...]
    service: str
    approved_by: str


@dataclass(frozen=True)
class Settings:
    environment: str
    environment_source: str
    """Where the environment came from: 'config', "stack name 'prod'", 'program config
    <project>:environment' (joined with 'and' when several agree), or the unknown-stack default."""
    exposed_zones: frozenset[str] = frozenset()
    admin_zones: frozenset[str] = frozenset({"admin"})
    admin_source_cidrs: tuple[IpNetwork, ...] = ()
    approved_endpoints: tuple[ApprovedEndpoint, ...] = ()
    offer_overrides: Mapping[str, catalogue.Qualification] = field(default_factory=dict)
    suppressions: tuple[sup.Suppression, ...] = ()
    rejected: tuple[sup.Rejected, ...] = ()
    problems: tuple[str, ...] = ()
    """Every config problem, rejected suppressions included; each is a mandatory violation."""
    published: bool = False
    """True when these settings came from the settings policy's config in this process."""
    health_data_key: str = ""
    """The program config key (`<project>:dataClassification`) that says the stack holds health
    data, or '': health data needs a qualified offer in every environment (HDS EXI 05)."""

    @property
    def production(self) -> bool:
        return self.environment == "prod"


def parse_cidr(text: Any) -> tuple[IpNetwork | None, str | None]:
    """A network, or a problem; host bits set and over-wide ranges are problems."""
    if not isinstance(text, str):
        return None, f"{text!r} is not a CIDR string"
    try:
        net = ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as err:
        return None, f"{text!r} is not a valid CIDR ({err})"
    limit = MIN_IPV4_PREFIX if net.version == 4 else MIN_IPV6_PREFIX
    if net.prefixlen < limit:
        return None, f"{text!r} is wider than /{limit}; name the administrators' actual ranges"
    return net, None


def _strings(value: Any, key: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        problems.append(f"'{key}' must be a list of strings")
        return ()
    return tuple(value)


def _date_or_problem(value: Any, where: str, problems: list[str]) -> dt.date | None:
    if value is None:
        return None
    try:
        if not isinstance(value, str) or not sup.DATE_RE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {value!r} is not an ISO date")
        return None


def _admin_cidrs(config: Mapping[str, Any], problems: list[str]) -> tuple[IpNetwork, ...]:
    cidrs: list[IpNetwork] = []
    for text in _strings(config.get("adminSourceCidrs"), "adminSourceCidrs", problems):
        net, problem = parse_cidr(text)
        if problem:
            problems.append(f"adminSourceCidrs: {problem}")
        elif net is not None:
            cidrs.append(net)
    return tuple(cidrs)


def _approved_endpoints(
    config: Mapping[str, Any], cat: catalogue.Catalogue, problems: list[str]
) -> tuple[ApprovedEndpoint, ...]:
    endpoints: list[ApprovedEndpoint] = []
    raw_endpoints = config.get("approvedEndpoints") or []
    if not isinstance(raw_endpoints, list):
        problems.append("'approvedEndpoints' must be a list")
        raw_endpoints = []
    for i, item in enumerate(raw_endpoints):
        where = f"approvedEndpoints #{i + 1}"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        url, offer, service = item.get("url"), item.get("offer"), item.get("service", "identity")
        regions = _strings(item.get("regions"), f"{where}.regions", problems)
        bad = []
        if not isinstance(url, str) or not url.startswith("https://"):
            bad.append(f"url {url!r} must be an https:// URL")
        if offer not in cat.offers:
            bad.append(f"offer {offer!r} is not a catalogue offer ({', '.join(cat.offers)})")
        if service not in SERVICES:
            bad.append(f"service {service!r} is not one of {', '.join(SERVICES)}")
        if not regions:
            bad.append("regions must name at least one region")
        if not isinstance(item.get("approved_by"), str) or len(item["approved_by"].strip()) < 3:
            bad.append("approved_by must name the approver")
        if bad:
            problems.append(f"{where}: {'; '.join(bad)}")
            continue
        endpoints.append(
            ApprovedEndpoint(
                catalogue.normalize_url(str(url)), str(offer), regions, str(service), str(item["approved_by"])
            )
        )
    return tuple(endpoints)


def _offer_overrides(
    config: Mapping[str, Any], cat: catalogue.Catalogue, problems: list[str]
) -> dict[str, catalogue.Qualification]:
    overrides: dict[str, catalogue.Qualification] = {}
    raw_overrides = config.get("offerOverrides") or {}
    if not isinstance(raw_overrides, Mapping):
        problems.append("'offerOverrides' must be an object of offer keys")
        raw_overrides = {}
    for key, row in raw_overrides.items():
        where = f"offerOverrides.{key}"
        if key not in cat.offers:
            problems.append(f"{where}: {key!r} is not a catalogue offer")
            continue
        if not isinstance(row, Mapping) or row.get("secnumcloud") not in ("qualified", "not-qualified"):
            problems.append(f"{where}: secnumcloud must be 'qualified' or 'not-qualified'")
            continue
        approver = row.get("approved_by")
        if not isinstance(approver, str) or len(approver.strip()) < 3:
            problems.append(f"{where}: approved_by must name the approver")
            continue
        overrides[str(key)] = catalogue.Qualification(
            secnumcloud=str(row["secnumcloud"]),
            confidence="declared",
            valid_from=_date_or_problem(row.get("valid_from"), f"{where}.valid_from", problems),
            valid_until=_date_or_problem(row.get("valid_until"), f"{where}.valid_until", problems),
            approved_by=approver.strip(),
        )
    return overrides


def _max_suppression_days(config: Mapping[str, Any], problems: list[str]) -> int:
    max_days = config.get("maxSuppressionDays", DEFAULT_MAX_SUPPRESSION_DAYS)
    if isinstance(max_days, float) and max_days.is_integer():
        max_days = int(max_days)
    if not isinstance(max_days, int) or isinstance(max_days, bool) or not 1 <= max_days <= 1096:
        problems.append(f"'maxSuppressionDays' {max_days!r} must be an integer from 1 to 1096")
        return DEFAULT_MAX_SUPPRESSION_DAYS
    return max_days


def parse(
    config: Mapping[str, Any] | None,
    known_policies: Iterable[str],
    *,
    stack: str | None = None,
    today: dt.date | None = None,
    program_config: Mapping[str, Any] | None = None,
    project: str | None = None,
) -> Settings:
    """Settings from the settings policy's config; never raises, every problem is recorded.

    `stack`, `program_config` and `project` default to PULUMI_STACK, PULUMI_CONFIG and
    PULUMI_PROJECT. Problems are recorded in the order of the config's keys below."""
    config = dict(config or {})
    today = today or clock.today()
    problems: list[str] = []
    cat = catalogue.load()

    program_value, program_key = program_environment(program_config, project)
    environment, source = resolve_environment(
        config.get("environment"),
        stack if stack is not None else os.environ.get("PULUMI_STACK"),
        program_value,
        program_key,
        problems,
    )
    exposed = _strings(config.get("exposedZones"), "exposedZones", problems)
    admin_zones = _strings(config.get("adminZones", ["admin"]), "adminZones", problems)
    cidrs = _admin_cidrs(config, problems)
    endpoints = _approved_endpoints(config, cat, problems)
    overrides = _offer_overrides(config, cat, problems)
    max_days = _max_suppression_days(config, problems)
    good, rejected = sup.parse_all(config.get("suppressions"), known_policies, today, max_days)
    problems.extend(r.describe() for r in rejected)

    return Settings(
        environment=environment,
        environment_source=source,
        exposed_zones=frozenset(exposed),
        admin_zones=frozenset(admin_zones),
        admin_source_cidrs=cidrs,
        approved_endpoints=endpoints,
        offer_overrides=overrides,
        suppressions=good,
        rejected=rejected,
        problems=tuple(problems),
        published=True,
        health_data_key=program_health_data(program_config, project),
    )
