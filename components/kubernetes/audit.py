"""The API server's audit policy: ours, since RKE2's generated one is `level: None` (logs nothing).

Levels follow the NSA/CISA Kubernetes hardening guide (section on audit logging) and keep secret
values out of the log: Secrets, ConfigMaps and token requests are logged as Metadata only (who,
what, when), never with their bodies.
"""

from __future__ import annotations

from typing import Any

WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"]


def audit_policy() -> dict[str, Any]:
    return {
        "apiVersion": "audit.k8s.io/v1",
        "kind": "Policy",
        "omitStages": ["RequestReceived"],
        "rules": [
            # Health probes every few seconds would drown the log.
            {"level": "None", "nonResourceURLs": ["/healthz*", "/readyz*", "/livez*", "/version"]},
            # Bodies of these hold secret values: who touched them is enough.
            {
                "level": "Metadata",
                "resources": [
                    {"group": "", "resources": ["secrets", "configmaps", "serviceaccounts/token"]},
                    {"group": "authentication.k8s.io", "resources": ["tokenreviews"]},
                ],
            },
            # Changes to who may do what, and to admission, in full.
            {
                "level": "RequestResponse",
                "verbs": WRITE_VERBS,
                "resources": [
                    {"group": "rbac.authorization.k8s.io"},
                    {"group": "admissionregistration.k8s.io"},
                ],
            },
            {"level": "Request", "verbs": WRITE_VERBS},
            {"level": "Metadata"},
        ],
    }
