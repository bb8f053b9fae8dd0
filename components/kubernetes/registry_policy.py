"""The CEL of the registry allow-list ValidatingAdmissionPolicy (verified in FACTS-kubernetes 4).

Every container image (containers, initContainers, ephemeralContainers) of a Pod or of a workload's
pod template must start with an allowed prefix. Each prefix ends in '/', so that
'registry.example.fr.evil.com/x' never passes for 'registry.example.fr/'.
"""

from __future__ import annotations

from collections.abc import Sequence

POD_SPEC = (
    "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? "
    "object.spec.jobTemplate.spec.template.spec : object.spec.template.spec"
)
IMAGES = (
    "variables.podSpec.containers.map(c, c.image) + "
    "(has(variables.podSpec.initContainers) ? variables.podSpec.initContainers.map(c, c.image) : []) + "
    "(has(variables.podSpec.ephemeralContainers) ? "
    "variables.podSpec.ephemeralContainers.map(c, c.image) : [])"
)


def cel_list(prefixes: Sequence[str]) -> str:
    # Prefixes are validated to [A-Za-z0-9._:/-] (validation/kubernetes.py): nothing to escape.
    return "[" + ", ".join(f"'{p}'" for p in prefixes) + "]"


def validation_expression(prefixes: Sequence[str]) -> str:
    return f"variables.images.all(img, {cel_list(prefixes)}.exists(p, img.startsWith(p)))"


def message_expression(prefixes: Sequence[str]) -> str:
    return (
        "'image(s) not from an allowed registry: ' + variables.images.filter(img, "
        f"!{cel_list(prefixes)}.exists(p, img.startsWith(p))).join(', ')"
    )
