"""Write a stack's files: its policy config from its stack file, or a new stack for an offer.

    python -m components.stack_files policy-config --stack dev
    python -m components.stack_files new-stack --stack rbx --offer ovh-snc --region eu-west-rbx-snc

`make policy-config STACK=s` and `make new-stack STACK=s OFFER=o REGION=r` run them. Both validate
the stack file with the program's own parser first, so a file they write is one the program takes;
an error names the key, the value and what is allowed, and nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .catalogue import OfferProfile, load_catalogue
from .config import ENVIRONMENTS, PROJECT
from .errors import ConfigError
from .landing_zone import plan_landing_zone
from .policy_config import derived_facts, merged, policy_config_path
from .stack_config import parse_stack_config
from .stack_template import render_stack_file

PROJECT_DIR = Path(__file__).resolve().parent.parent


def stack_file(project_dir: Path, stack: str) -> Path:
    return project_dir / "stacks" / f"Pulumi.{stack}.yaml"


def read_stack_file(path: Path) -> dict[str, Any]:
    """The project's keys of a stack file, without their namespace, as YAML gave them."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config = data.get("config") or {}
    prefix = f"{PROJECT}:"
    return {k[len(prefix) :]: v for k, v in config.items() if isinstance(k, str) and k.startswith(prefix)}


def write_policy_config(project_dir: Path, stack: str) -> Path:
    """Derive `stacks/<stack>.policy.json` from the stack file, keeping what a person wrote."""
    source = stack_file(project_dir, stack)
    if not source.is_file():
        raise ConfigError("--stack", stack, f"a stack with a stack file ({source.name} is missing)")
    cfg = parse_stack_config(read_stack_file(source))
    target = policy_config_path(project_dir, stack)
    existing = json.loads(target.read_text(encoding="utf-8")) if target.is_file() else None
    target.write_text(json.dumps(merged(derived_facts(cfg), existing), indent=2) + "\n", encoding="utf-8")
    return target


def write_new_stack(
    project_dir: Path, stack: str, offer_key: str, region: str, environment: str, country: str
) -> tuple[Path, Path]:
    """A commented stack file for an offer and region, and its policy config; nothing overwritten."""
    catalogue = load_catalogue()
    if offer_key not in catalogue.offers:
        raise ConfigError("--offer", offer_key, f"one of {sorted(catalogue.offers)}")
    offer: OfferProfile = catalogue.offer(offer_key)
    if offer.api != "openstack":
        raise ConfigError(
            "--offer", offer_key, "an OpenStack offer (this one is recognised, not provisioned)"
        )
    target = stack_file(project_dir, stack)
    if target.exists() or policy_config_path(project_dir, stack).exists():
        raise ConfigError("--stack", stack, "a stack name without files yet (nothing is overwritten)")
    text = render_stack_file(offer, region, environment, country, dt.date.today())
    # The program's own parser and planner judge the result before anything is written.
    plan_landing_zone(
        parse_stack_config({k.split(":", 1)[1]: v for k, v in yaml.safe_load(text)["config"].items()})
    )
    target.write_text(text, encoding="utf-8")
    return target, write_policy_config(project_dir, stack)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m components.stack_files", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    derive = sub.add_parser("policy-config", help="write stacks/<stack>.policy.json from the stack file")
    derive.add_argument("--stack", required=True)
    new = sub.add_parser("new-stack", help="write a commented stack file and its policy config")
    new.add_argument("--stack", required=True)
    new.add_argument("--offer", required=True)
    new.add_argument("--region", required=True)
    new.add_argument("--environment", choices=ENVIRONMENTS, default="dev")
    new.add_argument(
        "--country", default="FR", help="ISO code of the region's country (per-customer regions)"
    )
    for command in (derive, new):
        command.add_argument("--project-dir", type=Path, default=PROJECT_DIR)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "policy-config":
            written = [write_policy_config(args.project_dir, args.stack)]
        else:
            written = list(
                write_new_stack(
                    args.project_dir, args.stack, args.offer, args.region, args.environment, args.country
                )
            )
    except ConfigError as err:
        sys.stderr.write(f"stack_files: error: {err}\n")
        return 2
    for path in written:
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
