"""Kubernetes workloads: images only from the registries the organisation allows, for any program.

The allow-list is this policy's config property `allowedRegistries`: prefixes such as
`registry.example.fr/` or `harbor.internal.example:443/team/`, each ending with `/` so that a
look-alike host (`registry.example.fr.evil.com/…`) never matches, and with no scheme. An image
matches when it starts with a prefix, compared as text, exactly as the cluster's
ValidatingAdmissionPolicy does (FACTS-kubernetes §4), so the pack and the cluster agree.

- An image without a registry host (`nginx:1.27`, `team/app`) is pulled from docker.io by every
  runtime: it is refused whatever the list says, with a message asking for the registry to be
  written out (the cluster's policy compares the literal text too, so it would refuse it as well).
- An empty allow-list, the default, refuses every image: the pack fails closed until the
  organisation names its registries.
- A malformed entry is a violation naming the config key, the entry and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from .config_fields import string_list
from .framework import Context, Meta, resource_policy
from .kubernetes_podspec import WORKLOAD_TYPES, Container, container_findings, require_pod_spec
from .values import get_str

CONFIG_KEY = "allowedRegistries"


def registry_host(image: str) -> str | None:
    """The registry host an image names, or None when it names none (docker.io is then implied).

    The first path component is a host when it holds a dot or a port, or is `localhost`: the rule
    of the Docker reference grammar every runtime applies.
    """
    if "/" not in image:
        return None
    first = image.split("/", 1)[0]
    if "." in first or ":" in first or first == "localhost":
        return first
    return None


def entry_problem(entry: Any) -> str | None:
    """Why an allow-list entry is malformed, or None."""
    if not isinstance(entry, str) or not entry:
        return "is not a non-empty string"
    if "://" in entry:
        return "has a scheme (write the registry as host[:port]/path/, without https://)"
    if not entry.endswith("/"):
        return "does not end with '/' (without it a look-alike host such as <entry>.evil.com matches)"
    if registry_host(entry + "x") is None:
        return "does not start with a registry host (a name with a dot or a port, or localhost)"
    return None


def image_problem(image: str, allowed: Sequence[str]) -> str | None:
    if registry_host(image) is None:
        return (
            f"image {image!r} names no registry host, so it is pulled from docker.io; write the "
            "registry explicitly, from the allow-list"
        )
    if not any(image.startswith(prefix) for prefix in allowed):
        if not allowed:
            return (
                f"image {image!r}: the registry allow-list ({CONFIG_KEY}) is empty, so every image is refused"
            )
        return f"image {image!r} is not from an allowed registry ({', '.join(allowed)})"
    return None


def _images(ctx: Context) -> Iterator[str]:
    raw = ctx.config.get(CONFIG_KEY) or []
    entries = list(raw) if isinstance(raw, list | tuple) else [raw]
    bad = [(e, p) for e in entries if (p := entry_problem(e)) is not None]
    for entry, problem in bad:
        yield f"policy config {CONFIG_KEY} entry {entry!r} {problem}"
    allowed = [e for e in entries if isinstance(e, str) and entry_problem(e) is None]
    yield from container_findings(
        ctx, require_pod_spec(ctx), lambda container: _image_problems(container, allowed)
    )


def _image_problems(container: Container, allowed: Sequence[str]) -> Iterator[str]:
    image = get_str(container.spec, "image")
    if image is None:
        return  # a patch that keeps the image; a full object without one is refused by the API
    refused = image_problem(image.strip(), allowed)
    if refused:
        yield refused


IMAGES = resource_policy(
    Meta(
        name="kubernetes-image-restrict-registries",
        description=(
            "Every container image comes from a registry prefix of the allow-list (allowedRegistries); "
            "an image without a registry host is docker.io and refused; an empty list refuses every image."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Mirror the image into the organisation's registry and reference it with the registry host "
            "(and a digest); list the registry prefix, ending with '/', in allowedRegistries of this policy."
        ),
        references=("nsa-k8s-images", "choice-registry-allow-list"),
        config={
            CONFIG_KEY: string_list(
                [],
                (
                    "Registry prefixes images may come from, each ending with '/' and without a scheme "
                    "(registry.example.fr/); empty refuses every image"
                ),
                pattern="^[^/:]+(:[0-9]+)?/([^/]+/)*$",
            )
        },
        types=WORKLOAD_TYPES,
    ),
    _images,
)

POLICIES = (IMAGES,)
