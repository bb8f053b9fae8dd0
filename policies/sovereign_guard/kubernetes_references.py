"""References of the Kubernetes policies, as data (merged into references.REFERENCES).

- ANSSI-FT-082, "Recommandations de sécurité relatives au déploiement de conteneurs Docker" (v1.0,
  23 September 2020, 16 recommendations). The R numbers below come from two third-party mappings
  that agree with each other, not from the PDF itself (FACTS-kubernetes §4 [2ND]): every label says
  so ("numbering transcribed second-hand"). The guide is about Docker containers; the pack applies
  its recommendations to the pod spec that asks the container runtime for the same thing.
- The NSA/CISA Kubernetes Hardening Guidance has no requirement numbers: the clauses here are the
  guide's topics in our words. Trivy's compliance spec (k8s-nsa-1.0) numbers its controls; those
  ids are shown in the summaries as Trivy's labels, never as the guide's.
"""

from __future__ import annotations

from .reference_type import Reference

FT082 = "ANSSI-FT-082"
FT082_V = "v1.0"
NSA = "NSA/CISA Kubernetes Hardening Guidance"


def _ft082(clause: str, summary: str) -> Reference:
    return Reference(
        f"ft082-{clause.lower()}",
        FT082,
        FT082_V,
        clause,
        summary + " (ANSSI container guide)",
        second_hand=True,
    )


def _nsa(id_: str, topic: str, summary: str) -> Reference:
    return Reference(f"nsa-k8s-{id_}", NSA, "", topic, summary)


KUBERNETES_REFERENCES: tuple[Reference, ...] = (
    _ft082("R1", "Mount no sensitive host path into a container"),
    _ft082("R2", "Give a container no access to the host's devices (no privileged mode)"),
    _ft082("R3-R5", "Keep containers off the host's network and filter their flows"),
    _ft082("R6", "Give each container its own namespaces (no host PID or IPC namespace)"),
    _ft082("R7", "Run the container's processes as an unprivileged user"),
    _ft082("R8", "Drop every capability the container does not need"),
    _nsa(
        "non-root",
        "Pod security: non-root containers",
        "Containers run as a non-root user (Trivy label 1.0; the guide has no numbers)",
    ),
    _nsa(
        "privileged",
        "Pod security: privileged containers and escalation",
        "No privileged container, no privilege escalation (Trivy labels 1.2, 1.7)",
    ),
    _nsa(
        "host-namespaces",
        "Pod security: host namespaces",
        "No shared host PID, IPC or network namespace (Trivy labels 1.3-1.5)",
    ),
    _nsa("seccomp", "Pod security: seccomp", "A seccomp profile on every container (Trivy label 1.10)"),
    _nsa(
        "admission",
        "Pod security: enforcement at admission",
        "Pod security standards enforced by the cluster at admission, namespace by namespace",
    ),
    _nsa(
        "images",
        "Pod security: trusted images",
        "Images come from trusted repositories the organisation controls",
    ),
    _nsa(
        "network",
        "Network separation and hardening",
        "Control plane and services reachable only from the networks that need them",
    ),
    _nsa(
        "authn",
        "Authentication and authorization",
        "No anonymous access; RBAC grants least privilege (Trivy labels 7.0, 7.1)",
    ),
    _nsa("tls", "Network separation: TLS", "Clients reach the API server over verified TLS"),
    Reference(
        "choice-registry-allow-list",
        "sovereign-landing-zone",
        "",
        "registry allow-list",
        "Images only from registries the organisation names, fail closed when it names none",
        project_choice=True,
    ),
)
