"""Traceability data: the controls outside the pack, provider obligations and known gaps.

docs/compliance.md (policies/gen_compliance.py) lists every requirement of REFERENCES, requirement
first, with the controls that enforce it. Pack policies are found from their own `references`;
the controls that live in the program (component defaults, config validations) are declared here,
each naming the code that enforces it and the test that proves it. A requirement the customer side
cannot check gets the reason in PROVIDER_OBLIGATIONS; a requirement the project should check and
does not yet is declared in GAPS with what is missing. tests/policies/test_compliance_doc.py fails
when a requirement has none of these, when a named test, code symbol or policy does not exist, and
when docs/compliance.md is stale.

This module is data only: the pack never imports the program, it only names its files.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPONENT_DEFAULT = "component default"
CONFIG_VALIDATION = "config validation"


@dataclass(frozen=True)
class Control:
    """One control of the program (not a pack policy) and where it is proven."""

    kind: str
    what: str
    code: str
    """`path/to/module.py::symbol`, relative to the repository root."""
    test: str
    """`tests/.../test_x.py::test_name`: the test that fails when the control is gone."""
    references: tuple[str, ...]


CONTROLS: tuple[Control, ...] = (
    Control(
        COMPONENT_DEFAULT,
        "Bastion sshd: keys only, no root, no password, modern algorithms, LogLevel VERBOSE "
        "(read back by `sshd -T`)",
        "components/bastion_sshd.py::sshd_drop_in",
        "tests/components/test_bastion_sshd.py::"
        "test_shipped_bastion_user_data_is_valid_cloud_config_and_sshd_applies_it",
        ("ssh-r17", "pa022-r24", "snc-9.6.e", "snc-13.2.c", "snc-10.2"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "Bastion sshd forwards nothing but `ssh -J` to the listed hosts of the zones "
        "(PermitOpen; no agent, X11, tunnel or remote forwarding)",
        "components/bastion_sshd.py::sshd_drop_in",
        "tests/components/test_bastion_sshd.py::test_without_targets_nothing_is_forwarded",
        ("ssh-r27-r28", "pa022-r15", "pa022-r20"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "Optional second factor on the bastion (key, then a TOTP code from PAM)",
        "components/bastion_sshd.py::sshd_drop_in",
        "tests/components/test_bastion_sshd.py::test_second_factor_asks_for_a_code_after_the_key",
        ("pa022-r36",),
    ),
    Control(
        CONFIG_VALIDATION,
        "Bastion public keys: DSA refused, RSA from 3072 bits, Ed25519/ECDSA accepted",
        "components/ssh_keys.py::public_key_problem",
        "tests/components/test_bastion.py::test_public_key_rules",
        ("ssh-r7", "ssh-r8", "ssh-r9-r10", "crypto-rsa", "choice-rsa3072"),
    ),
    Control(
        CONFIG_VALIDATION,
        "Bastion jump targets only inside the zones and on their declared administration flows",
        "components/validation/bastion.py::jump_targets",
        "tests/components/test_config_bastion.py::"
        "test_bastion_jump_target_outside_the_zones_or_their_flows_is_refused",
        ("pa022-r16", "pa022-r19", "snc-13.2.e", "pa022-r20"),
    ),
    Control(
        CONFIG_VALIDATION,
        "Endpoints: https only, and the catalogue's own for a public offer",
        "components/validation/offer.py::check_endpoints",
        "tests/components/test_config.py::test_bad_input_names_key_value_and_allowed",
        ("snc-10.2", "snc-19.2.c"),
    ),
    Control(
        CONFIG_VALIDATION,
        "Production only on an offer whose qualification is current",
        "components/validation/offer.py::check_offer",
        "tests/components/test_config.py::test_qualification_expired_blocks_production",
        ("snc-12.3.a", "snc-19.6", "hds-exi-05"),
    ),
    Control(
        CONFIG_VALIDATION,
        "A private OpenStack region must be in an EU country",
        "components/validation/offer.py::check_offer",
        "tests/components/test_config.py::test_private_openstack_region_country_must_be_eu",
        ("snc-19.2.b", "snc-19.2.d", "hds-exi-28"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "The OpenStack provider never skips TLS verification, even with OS_INSECURE set",
        "components/provider.py::sovereign_provider",
        "tests/components/test_provider.py::test_os_insecure_in_the_environment_cannot_turn_tls_off",
        ("snc-10.2", "snc-9.6.e"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "Every security-group rule comes from the flow matrix with its justification",
        "components/flow_matrix.py::build_flow_matrix",
        "tests/components/test_network.py::test_every_rule_is_justified_and_bounded",
        ("snc-13.1", "snc-13.2.e"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "The flow matrix is a readable output of the landing zone (ports, protocols, justification)",
        "components/flow_matrix.py::build_flow_matrix",
        "tests/components/test_network.py::test_flow_matrix_is_a_readable_output",
        ("snc-13.1",),
    ),
    Control(
        COMPONENT_DEFAULT,
        "The admin zone admits only SSH from the administrators' CIDRs",
        "components/network.py::SegmentedNetwork",
        "tests/components/test_network.py::test_admin_zone_admits_only_ssh_from_admin_cidrs",
        ("pa022-r15", "snc-9.6.d", "snc-9.7.c"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "The data zone is unreachable from the dmz and from outside",
        "components/network.py::SegmentedNetwork",
        "tests/components/test_network.py::test_data_zone_unreachable_from_dmz_and_outside",
        ("snc-13.2.a", "snc-9.7.c"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "Customer-held keys are generated by the program and never sent to the provider",
        "components/kms.py::CustomerHeldKeys",
        "tests/components/test_kms.py::"
        "test_customer_held_generated_is_random_bytes_and_never_reaches_the_provider",
        ("snc-3.3.2", "snc-10.1.a", "snc-10.5.c", "snc-19.4"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "Volumes take an encrypted volume type from the catalogue and are protected",
        "components/volumes.py::EncryptedVolume",
        "tests/components/test_volumes.py::test_volume_uses_the_encrypted_type_and_is_protected",
        ("snc-10.1.a", "hds-exi-28"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "Stateful resources (keys, buckets, volumes) are protected from deletion",
        "components/landing_zone.py::LandingZone",
        "tests/components/test_landing_zone.py::test_stateful_resources_are_protected",
        ("snc-12.5",),
    ),
    Control(
        COMPONENT_DEFAULT,
        "The logs bucket gets a COMPLIANCE object lock",
        "components/object_storage.py::EncryptedBucket",
        "tests/object_storage/test_s3_component.py::"
        "test_logs_bucket_gets_compliance_lock_and_ec2_credential_child",
        ("snc-12.6.c", "hds-exi-16"),
    ),
)

CONTROLS += (
    Control(
        COMPONENT_DEFAULT,
        "The dmz ingress listener: TERMINATED_HTTPS, TLS 1.2/1.3 only, ECDHE AEAD suites, HSTS; the "
        "pool re-encrypts to the app zone",
        "components/ingress.py::TlsIngress",
        "tests/components/test_ingress.py::test_the_ingress_is_tls_end_to_end_in_both_stacks",
        ("snc-10.2", "tls-r3", "tls-r4", "tls-r6-r7", "tls-r10", "snc-13.2.a"),
    ),
    Control(
        CONFIG_VALIDATION,
        "The listener certificate is a Barbican container reference, issued by an EU CA where stated",
        "components/validation/ingress.py::check_ingress",
        "tests/components/test_ingress.py::test_bad_ingress_input_is_refused_naming_the_key",
        ("snc-10.6.a", "snc-10.5.c"),
    ),
)

CONTROLS += (
    Control(
        COMPONENT_DEFAULT,
        "Every instance of the landing zone ships its system and authentication logs over TLS to the "
        "supervision zone's collector (rsyslog, read back by `rsyslogd -N1` and `cloud-init schema`)",
        "components/log_shipping.py::with_log_shipping",
        "tests/components/test_supervision.py::test_every_instance_ships_its_logs_to_the_collector_over_tls",
        ("snc-12.7.c", "snc-13.2.a", "hds-exi-15", "snc-10.2"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "The collector uploads each day of logs SSE-C encrypted with a COMPLIANCE object-lock retention",
        "components/log_shipping.py::collector_user_data",
        "tests/components/test_supervision.py::test_the_upload_script_locks_and_encrypts_every_object",
        ("snc-12.6.c", "hds-exi-16"),
    ),
    Control(
        CONFIG_VALIDATION,
        "A log retention under 180 days is refused naming supervision.retentionDays",
        "components/validation/supervision.py::check_supervision",
        "tests/components/test_supervision.py::test_bad_supervision_input_is_refused_naming_the_key",
        ("snc-12.6.c",),
    ),
    Control(
        COMPONENT_DEFAULT,
        "The flows to the collector are design flows of the matrix, with their justification",
        "components/supervision.py::supervision_flows",
        "tests/components/test_supervision.py::"
        "test_the_flows_to_the_collector_are_in_the_matrix_with_their_justification",
        ("snc-13.1", "snc-13.2.a"),
    ),
)

CONTROLS += (
    Control(
        CONFIG_VALIDATION,
        "The backup region is another region of the same offer in the same country, its key customer-held",
        "components/validation/backups.py::check_backups",
        "tests/components/test_backups.py::test_bad_backup_and_volume_input_is_refused_naming_the_key",
        ("snc-12.5.d", "hds-exi-28", "snc-3.3.2"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "The backup bucket: SSE-C with the customer-held backup key, COMPLIANCE lock for the retention",
        "components/landing_zone_plan.py::backup_bucket_args",
        "tests/components/test_backups.py::test_backups_go_to_another_region_locked_and_customer_held",
        ("snc-12.5", "snc-12.5.d", "snc-10.1.a"),
    ),
    Control(
        COMPONENT_DEFAULT,
        "The data zone's volumes are EncryptedVolumes (encrypted type, protected) built from dataVolumes",
        "components/landing_zone.py::LandingZone",
        "tests/components/test_backups.py::test_data_volumes_are_encrypted_and_protected",
        ("snc-10.1.a", "hds-exi-28", "snc-12.5"),
    ),
)

# Requirements the customer side cannot check, with the reason.
PROVIDER_OBLIGATIONS: dict[str, str] = {
    "hds-exi-29": "provider obligation: HDS certifies the host; its own remote access from outside "
    "the EEA (adequacy or art. 46 safeguards) is the host's to justify and the certification "
    "auditor's to check. The customer side cannot see where the host's staff connect from; the "
    "customer's own administrators are filtered to `network.adminCidrs`, which says nothing about "
    "where those addresses are.",
}

# Requirements the project should check on the customer side and does not yet: what is missing.
GAPS: dict[str, str] = {
    "ssh-r25": "the bastion's sshd listens on every address of the instance; only its security "
    "group limits who reaches it. A `ListenAddress` needs the port's fixed IP, which the "
    "program does not yet allocate before the instance.",
}

# Covered requirements whose customer-side control is partial: what is not enforced, said plainly.
LIMITS: dict[str, str] = {
    "snc-12.5": "the backup bucket, its region, custody and lock are built; the backup agent on the "
    "data hosts (dump, client-side encryption, upload) is the platform team's and is not built or tested.",
    "snc-12.7.c": "the collector's TLS certificate and key, the S3 credentials and the SSE-C key are "
    "installed by hand through the bastion; senders are not authenticated by certificate (the security "
    "groups limit who reaches 6514); instances created outside the landing zone ship only if their own "
    "user data says so (the pack flags them).",
    "snc-10.6.a": "the pack knows the certificate's issuer only when the program states it (a listener tag); "
    "it cannot read the certificate stored in Barbican.",
    "snc-19.6": "the pack checks the offer's qualification (transcribed from third-party copies of ANSSI's "
    "catalogue); the provider's shareholding and EU seat are ANSSI's to audit.",
    "hds-exi-05": "the pack checks where data and providers are; the risk analysis itself is a document "
    "the organisation writes.",
}
