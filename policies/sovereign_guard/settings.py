"""Pack-wide settings: the stack facts several policies need, read from one place.

pulumi-policy gives each policy only its own config. The stack facts (environment, exposed
zones, administrators' source ranges, approved endpoints, offer overrides, suppressions) are
needed by several policies, so they live in the config of one policy,
`hygiene-policy-config-require-validity`, which is the first policy of the pack: in every
Analyze call the SDK runs the policies in order on one thread, so that policy publishes the parsed
settings before any other policy reads them, and AnalyzeStack comes after every Analyze.
When it has not run (a unit test, or the policy disabled), `current()` falls back to safe
defaults: the environment from the stack name and the program's config (unknown means prod),
nothing exposed, no approved endpoint, no suppression.

The environment is the strictest of three sources, so that no single label can relax the
production checks: the settings' `environment`, the stack name, and the program's own
`<project>:environment` config. The stack name and the program config are read from PULUMI_STACK,
PULUMI_PROJECT and PULUMI_CONFIG, the variables the CLI (and preflight) set for the pack process
and from which `python -m pulumi.policy` configures the runtime (`pulumi.get_stack()`,
`pulumi.runtime.get_config`); reading the environment directly gives the same values without
depending on runtime state another import may have set.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import catalogue, clock
from . import suppressions as sup

ENVIRONMENTS = ("dev", "staging", "prod")
STACK_NAME_ENVIRONMENTS = {
    "dev": "dev",
    "development": "dev",
    "test": "dev",
    "sandbox": "dev",
    "staging": "staging",
    "stage": "staging",
    "preprod": "staging",
    "qa": "staging",
    "prod": "prod",
    "production": "prod",
    "prd": "prod",
}
SERVICES = ("identity", "s3")
DEFAULT_MAX_SUPPRESSION_DAYS = 366
MIN_IPV4_PREFIX = 16
MIN_IPV6_PREFIX = 48
ZONE_RE = r"^[a-z][a-z0-9-]{0,30}$"

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMA: dict[str, dict[str, Any]] = {
    "environment": {
        "type": "string",
        "enum": list(ENVIRONMENTS),
        "description": (
            "dev, staging or prod; the strictest of this, the stack name and the program's "
            "<project>:environment applies; absent and an unknown stack name: prod"
        ),
    },
    "exposedZones": {
        "type": "array",
        "items": {"type": "string", "pattern": ZONE_RE},
        "default": [],
        "description": "Zones whose security groups may admit traffic from public sources",
    },
    "adminZones": {
        "type": "array",
        "items": {"type": "string", "pattern": ZONE_RE},
        "default": ["admin"],
        "description": "Zones that may admit the administrators' source ranges (the bastion's zone)",
    },
    "adminSourceCidrs": {
        "type": "array",
        "items": {"type": "string", "minLength": 3},
        "default": [],
        "description": "Administrators' public egress ranges (IPv4 no wider than /16, IPv6 /48)",
    },
    "approvedEndpoints": {
        "type": "array",
        "default": [],
        "description": "Endpoints outside the catalogue's fixed URLs, approved by the organisation",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["url", "offer", "regions", "service", "approved_by"],
            "properties": {
                "url": {"type": "string", "pattern": "^https://"},
                "offer": {"type": "string", "minLength": 1},
                "regions": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                "service": {"type": "string", "enum": list(SERVICES)},
                "approved_by": {"type": "string", "minLength": 3},
                "reason": {"type": "string"},
            },
        },
    },
    "offerOverrides": {
        "type": "object",
        "default": {},
        "description": "Qualification rows that replace the catalogue's, each with an approver",
        "additionalProperties": {
            "type": "object",
            "additionalProperties": False,
            "required": ["secnumcloud", "approved_by"],
            "properties": {
                "secnumcloud": {"type": "string", "enum": ["qualified", "not-qualified"]},
                "valid_from": {"type": "string", "pattern": sup.DATE_RE.pattern},
                "valid_until": {"type": "string", "pattern": sup.DATE_RE.pattern},
                "approved_by": {"type": "string", "minLength": 3},
                "reason": {"type": "string"},
            },
        },
    },
    "maxSuppressionDays": {
        "type": "integer",
        "minimum": 1,
        "maximum": 1096,
        "default": DEFAULT_MAX_SUPPRESSION_DAYS,
        "description": "A suppression may not expire further away than this",
    },
    "suppressions": {
        "type": "array",
        "default": [],
        "items": sup.SCHEMA,
        "description": "Reasoned, expiring exceptions (see docs/policies.md)",
    },
}


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


PROD_WORDS = frozenset(w for w, e in STACK_NAME_ENVIRONMENTS.items() if e == "prod") | {"live"}
RANK = {env: i for i, env in enumerate(ENVIRONMENTS)}
UNKNOWN_STACK = "default (unknown stack name counts as prod)"


def stack_name_environment(stack: str | None) -> str | None:
    """What the stack name says, or None when it says nothing recognisable.

    A production word anywhere in the name makes it prod ("prod-eu", "acme-prod-2", "live");
    otherwise the whole name or its last `-`/`_`/`.` word decides ("acme-dev")."""
    name = (stack or "").strip().lower()
    words = [w.rstrip("0123456789") for w in re.split(r"[-_.]", name)] if name else []
    if name in PROD_WORDS or any(w in PROD_WORDS for w in words):
        return "prod"
    if name in STACK_NAME_ENVIRONMENTS:
        return STACK_NAME_ENVIRONMENTS[name]
    if words and words[-1] in STACK_NAME_ENVIRONMENTS:
        return STACK_NAME_ENVIRONMENTS[words[-1]]
    return None


def environment_from_stack(stack: str | None) -> tuple[str, str]:
    env = stack_name_environment(stack)
    return (env, "stack name") if env else ("prod", UNKNOWN_STACK)


def program_value(
    name: str, program_config: Mapping[str, Any] | None = None, project: str | None = None
) -> tuple[str | None, str]:
    """The program's own `<project>:<name>` config value (raw text) and its key.

    Defaults: PULUMI_CONFIG (JSON of "ns:key" to string) and PULUMI_PROJECT, as the CLI passes them
    to the pack process."""
    if project is None:
        project = os.environ.get("PULUMI_PROJECT") or ""
    key = f"{project}:{name}"
    if program_config is None:
        try:
            loaded = json.loads(os.environ.get("PULUMI_CONFIG") or "{}")
        except ValueError:
            loaded = {}
        program_config = loaded if isinstance(loaded, Mapping) else {}
    if not project:
        return None, key
    value = program_config.get(key)
    if value is None:
        return None, key
    return str(value), key


def program_environment(
    program_config: Mapping[str, Any] | None = None, project: str | None = None
) -> tuple[str | None, str]:
    """The program's own `<project>:environment` config value (raw text) and its key."""
    return program_value("environment", program_config, project)


def program_health_data(program_config: Mapping[str, Any] | None = None, project: str | None = None) -> str:
    """The program config key that classifies the stack's data as health data, or ''."""
    value, key = program_value("dataClassification", program_config, project)
    return key if value is not None and value.strip().lower() == "health" else ""


def resolve_environment(
    configured: Any,
    stack: str | None,
    program_value: str | None,
    program_key: str,
    problems: list[str],
) -> tuple[str, str]:
    """The strictest of the settings' environment, the stack name and the program config.

    A declared value that is not an environment counts as prod; declarations that disagree are
    recorded as a problem (a mandatory violation of the settings policy)."""
    declared: list[tuple[str, str]] = []  # (environment, source)
    if configured is not None:
        if configured in ENVIRONMENTS:
            declared.append((str(configured), "config"))
        else:
            problems.append(
                f"'environment' {configured!r} is not one of {', '.join(ENVIRONMENTS)}; treated as prod"
            )
            declared.append(("prod", "config (invalid, treated as prod)"))
    from_stack = stack_name_environment(stack)
    if from_stack is not None:
        declared.append((from_stack, f"stack name {stack!r}"))
    if program_value is not None:
        text = program_value.strip().lower()
        env = text if text in ENVIRONMENTS else STACK_NAME_ENVIRONMENTS.get(text)
        if env is None:
            problems.append(
                f"program config {program_key} = {program_value!r} is not one of "
                f"{', '.join(ENVIRONMENTS)}; treated as prod"
            )
            env = "prod"
        declared.append((env, f"program config {program_key}"))
    candidates = list(declared)
    if configured is None and from_stack is None:
        candidates.append(("prod", UNKNOWN_STACK))
    if not candidates:  # unreachable: a missing config and stack name add the default above
        return "prod", UNKNOWN_STACK
    strictest = max(RANK[env] for env, _ in candidates)
    environment = ENVIRONMENTS[strictest]
    source = " and ".join(src for env, src in candidates if env == environment)
    if len({env for env, _ in declared}) > 1:
        said = "; ".join(f"{src} says {env}" for env, src in declared)
        problems.append(
            f"the environment sources disagree ({said}); the strictest, {environment}, applies: make the "
            "policy config's environment, the stack name and the program config agree"
        )
    return environment, source


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
    PULUMI_PROJECT."""
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

    cidrs: list[IpNetwork] = []
    for text in _strings(config.get("adminSourceCidrs"), "adminSourceCidrs", problems):
        net, problem = parse_cidr(text)
        if problem:
            problems.append(f"adminSourceCidrs: {problem}")
        elif net is not None:
            cidrs.append(net)

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

    max_days = config.get("maxSuppressionDays", DEFAULT_MAX_SUPPRESSION_DAYS)
    if isinstance(max_days, float) and max_days.is_integer():
        max_days = int(max_days)
    if not isinstance(max_days, int) or isinstance(max_days, bool) or not 1 <= max_days <= 1096:
        problems.append(f"'maxSuppressionDays' {max_days!r} must be an integer from 1 to 1096")
        max_days = DEFAULT_MAX_SUPPRESSION_DAYS
    good, rejected = sup.parse_all(config.get("suppressions"), known_policies, today, max_days)
    problems.extend(r.describe() for r in rejected)

    return Settings(
        environment=environment,
        environment_source=source,
        exposed_zones=frozenset(exposed),
        admin_zones=frozenset(admin_zones),
        admin_source_cidrs=tuple(cidrs),
        approved_endpoints=tuple(endpoints),
        offer_overrides=overrides,
        suppressions=good,
        rejected=rejected,
        problems=tuple(problems),
        published=True,
        health_data_key=program_health_data(program_config, project),
    )


# ---------------------------------------------------------------------------------------------
# Publication: the settings policy publishes, every other policy reads.

_lock = threading.Lock()
_current: Settings | None = None
_cache_key: str | None = None


def publish_from_config(config: Mapping[str, Any] | None, known_policies: Iterable[str]) -> Settings:
    """Parse (cached on the config's content and today's date) and publish."""
    global _current, _cache_key
    env = [os.environ.get(k, "") for k in ("PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_CONFIG")]
    key = json.dumps([config or {}, clock.today().isoformat(), env], sort_keys=True, default=str)
    with _lock:
        if _current is not None and key == _cache_key:
            return _current
    parsed = parse(config, known_policies)
    with _lock:
        _current, _cache_key = parsed, key
    return parsed


def publish(settings: Settings | None) -> None:
    """Set (or, with None, clear) the published settings; for tests and tools."""
    global _current, _cache_key
    with _lock:
        _current, _cache_key = settings, None


def current() -> Settings:
    with _lock:
        if _current is not None:
            return _current
    program_value, program_key = program_environment()
    environment, source = resolve_environment(
        None, os.environ.get("PULUMI_STACK"), program_value, program_key, []
    )
    return Settings(environment=environment, environment_source=source, health_data_key=program_health_data())
