"""`python -m statebackend bootstrap|audit`, with preflight's exit codes.

0 clean; 1 gaps found or an S3 operation failed (endpoint down, credentials refused); 2 bad usage
or config; 3 an unexpected internal error. This module loads neither pulumi nor grpc: it needs the
catalogue's endpoints (components.object_storage_endpoints) and s3hardening only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO
from urllib.parse import quote

import s3hardening
from components.catalogue import load_catalogue
from components.object_storage_endpoints import catalogue_s3_endpoints
from s3hardening.redaction import redact
from s3hardening.spec import MAX_RETENTION_DAYS
from statebackend.locality import require_eu_region

# The same codes as preflight (preflight/cli.py), so that CI treats both tools alike.
EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_CRASH = 3
DEFAULT_NONCURRENT_DAYS = 90
_ENV_SECRETS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
CONVERGE_EFFECTS = (
    "replaces its public access block, default encryption, bucket policy and lifecycle "
    "configuration, enables versioning and drops ACL grants to everyone"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise _Usage(message)


class _Usage(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m statebackend",
        description="Create or audit the hardened S3 bucket holding the Pulumi state. Credentials "
        "come from the standard AWS environment chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
        "AWS_PROFILE, ...): use the EC2 credentials of the sovereign project.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, text in (
        (
            "bootstrap",
            "create the hardened state bucket and print the login URL; an existing bucket is only "
            "audited (exit 1 naming each gap, nothing changed) unless --converge-existing is given",
        ),
        ("audit", "check an existing state bucket; exit 1 naming each gap"),
    ):
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("--endpoint-url", required=True, help="S3 endpoint, e.g. from the catalogue")
        cmd.add_argument("--bucket", required=True, help="bucket name (S3 rules, no dots)")
        cmd.add_argument(
            "--region",
            help="signing region; default: the catalogue region of the endpoint, else AWS_REGION",
        )
        cmd.add_argument(
            "--approve-endpoint",
            action="store_true",
            help="accept an endpoint that is not in the sovereign catalogue (record the approval)",
        )
        cmd.add_argument(
            "--noncurrent-days",
            type=int,
            default=DEFAULT_NONCURRENT_DAYS,
            help=f"expire noncurrent state versions after N days (default {DEFAULT_NONCURRENT_DAYS})",
        )
        cmd.add_argument(
            "--accept-gateway-limit",
            action="append",
            default=[],
            choices=sorted(s3hardening.GATEWAY_LIMITS),
            metavar="LIMIT",
            help="accept a control the endpoint cannot apply (repeatable): "
            + "; ".join(f"{k}: {v}" for k, v in s3hardening.GATEWAY_LIMITS.items())
            + ". The audit shows each accepted limit that applies",
        )
        if name == "bootstrap":
            cmd.add_argument(
                "--converge-existing",
                action="store_true",
                help="modify an EXISTING bucket to the hardened settings: " + CONVERGE_EFFECTS,
            )
    return parser


def state_bucket_spec(
    bucket: str, noncurrent_days: int, accepted_limits: Sequence[str] = ()
) -> s3hardening.BucketSpec:
    """The state bucket: versioned, SSE-S3 by default, private, TLS-only, old versions expire."""
    # Checked here so that the error names the flag, not BucketSpec's wire key.
    if not 1 <= noncurrent_days <= MAX_RETENTION_DAYS:
        raise s3hardening.S3SettingError(
            "--noncurrent-days", noncurrent_days, f"an integer from 1 to {MAX_RETENTION_DAYS}"
        )
    return s3hardening.BucketSpec(
        name=bucket,
        encryption=s3hardening.SSE_S3,
        versioning=True,
        block_public_access=True,
        deny_insecure_transport=True,
        object_lock=None,
        noncurrent_version_days=noncurrent_days,
        accepted_limits=s3hardening.validate_limits(accepted_limits, key="--accept-gateway-limit"),
    )


def login_url(bucket: str, endpoint: s3hardening.Endpoint, region: str) -> str:
    """The DIY-backend URL for `pulumi login` (gocloud.dev s3blob query parameters)."""
    query = [
        f"endpoint={quote(endpoint.url, safe=':/[]')}",
        "s3ForcePathStyle=true",
        f"region={quote(region, safe='')}",
    ]
    if not endpoint.tls:
        query.append("disableSSL=true")
    return f"s3://{bucket}?{'&'.join(query)}"


def _region(args: argparse.Namespace, endpoint: s3hardening.Endpoint) -> str:
    if args.region:
        return str(args.region)
    if endpoint.region:
        return endpoint.region.lower()
    env = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if env:
        return env
    if endpoint.loopback:
        return "us-east-1"
    raise s3hardening.S3SettingError(
        "--region", None, "a region name (the endpoint is not in the catalogue)"
    )


def _bootstrap(
    target: s3hardening.Target,
    spec: s3hardening.BucketSpec,
    out: TextIO,
    err: TextIO,
    *,
    converge_existing: bool,
) -> int:
    where = f"bucket '{spec.name}' at {target.endpoint.url}"
    expiry = f"noncurrent versions expire after {spec.noncurrent_version_days} days"
    if not s3hardening.exists(target, spec.name):
        s3hardening.create(target, spec, adopt_existing=False)
        how = "created"
    elif converge_existing:
        s3hardening.create(target, spec, adopt_existing=True)
        how = "existed already and was converged (--converge-existing)"
    else:
        # Someone else's bucket, or ours from an earlier run: audit only, never modify unasked.
        gaps = s3hardening.audit(target, spec)
        if gaps:
            out.write(
                f"statebackend: {where} exists already and differs from the hardened state bucket: "
                f"{len(gaps)} gap(s)\n"
            )
            for gap in gaps:
                out.write(f"  {gap.code}: {gap.message}\n")
            err.write(
                f"statebackend: error: {where} exists already; nothing was changed. To modify it, "
                f"re-run with --converge-existing (it {CONVERGE_EFFECTS}), or pick another bucket "
                "name\n"
            )
            return EXIT_FAIL
        how = "existed already and was left unchanged (nothing to converge)"
        expiry = "noncurrent versions expire"
    url = login_url(spec.name, target.endpoint, target.region)
    notices = s3hardening.report(target, spec).notices
    out.write(f"statebackend: {where} {how}; audit clean: {_summary(notices, target, expiry)}.\n")
    _write_findings(out, notices, "notice")
    out.write(
        "\n"
        "Log in to this backend (the state stays on the sovereign endpoint, never in Pulumi Cloud);"
        " the CLI reads the same AWS_* credentials:\n"
        f"  pulumi login '{url}'\n"
        "\n"
        "Secrets provider: keep the key in the organisation's custody, never the Pulumi Cloud "
        "service:\n"
        "  pulumi stack init <stack> --secrets-provider passphrase\n"
        "    (PULUMI_CONFIG_PASSPHRASE_FILE pointing at a passphrase issued by your own vault)\n"
        "  or --secrets-provider 'hashivault://<transit-key>' (your own Vault/OpenBao transit"
        " engine)\n"
    )
    return EXIT_OK


def _summary(notices: Sequence[s3hardening.Gap], target: s3hardening.Target, expiry: str) -> str:
    """What is in place, as the audit found it: an accepted gateway limit is said, never hidden."""
    codes = {n.code for n in notices}
    encryption = (
        "default encryption NOT available on this endpoint (accepted)"
        if "DEFAULT_ENCRYPTION_UNAVAILABLE" in codes
        else "default encryption SSE-S3 (AES256)"
    )
    public = (
        "public access blocked (BlockPublicAcls off, public ACLs ignored; accepted)"
        if "BLOCK_PUBLIC_ACLS_OFF" in codes
        else "public access blocked"
    )
    # The policy's aws:SecureTransport Deny is defence in depth (Ceph RGW ignores it): TLS comes
    # from the endpoint being https, which validation requires everywhere but on loopback.
    tls = "TLS-only (https endpoint) with a TLS-only policy" if target.endpoint.tls else "TLS-only policy"
    return f"versioning, {encryption}, {public}, {tls}, {expiry}"


def _write_findings(out: TextIO, findings: Sequence[s3hardening.Gap], kind: str = "") -> None:
    for found in findings:
        out.write(f"  {kind + ' ' if kind else ''}{found.code}: {found.message}\n")


def _audit(target: s3hardening.Target, spec: s3hardening.BucketSpec, out: TextIO) -> int:
    found = s3hardening.report(target, spec)
    where = f"bucket '{spec.name}' at {target.endpoint.url}"
    if found.clean:
        out.write(f"statebackend: {where}: no gaps\n")
        _write_findings(out, found.notices, "notice")
        return EXIT_OK
    out.write(f"statebackend: {where}: {len(found.gaps)} gap(s)\n")
    _write_findings(out, found.gaps)
    _write_findings(out, found.notices, "notice")
    return EXIT_FAIL


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    secrets = [os.environ.get(name) for name in _ENV_SECRETS]

    def fail(code: int, message: str) -> int:
        # The profile's or the shared files' credentials too, resolved only now that something failed.
        known = [*secrets, *s3hardening.chain_secrets()]
        err.write(f"statebackend: error: {redact(message, known)}\n")
        return code

    try:
        args = build_parser().parse_args(argv)
        catalogue = load_catalogue()
        known = catalogue_s3_endpoints(catalogue)
        endpoint = s3hardening.validate_endpoint(
            args.endpoint_url,
            known=known,
            approved=[args.endpoint_url] if args.approve_endpoint else [],
            key="--endpoint-url",
        )
        require_eu_region(endpoint, known, catalogue.eu_countries)
        spec = state_bucket_spec(
            s3hardening.validate_bucket_name(args.bucket, key="--bucket"),
            args.noncurrent_days,
            args.accept_gateway_limit,
        )
        target = s3hardening.Target(endpoint=endpoint, region=_region(args, endpoint))
        if endpoint.source == "loopback":
            err.write(
                f"statebackend: note: {endpoint.url} is a loopback endpoint, accepted for local tests only\n"
            )
        if args.command == "bootstrap":
            return _bootstrap(target, spec, out, err, converge_existing=args.converge_existing)
        return _audit(target, spec, out)
    except _Usage as exc:
        return fail(EXIT_USAGE, str(exc))
    except s3hardening.S3SettingError as exc:
        # Approval only helps an https endpoint outside the catalogue, never plain http.
        hint = (
            " (or pass --approve-endpoint)" if isinstance(exc, s3hardening.EndpointNotApprovedError) else ""
        )
        return fail(EXIT_USAGE, f"{exc}{hint}")
    except s3hardening.S3OperationError as exc:
        return fail(EXIT_FAIL, str(exc))
    except KeyboardInterrupt:
        return fail(130, "interrupted")
    except Exception as exc:  # never a traceback: it could carry request details
        return fail(EXIT_CRASH, f"internal error: unexpected {type(exc).__name__}; no secret is shown")
