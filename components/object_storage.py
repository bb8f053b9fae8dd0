"""EncryptedBucket: a hardened bucket on the offer's S3 API, through a boto3 dynamic provider.

pulumi-openstack cannot set S3 encryption, versioning, object lock or bucket policies, so the
bucket is a Pulumi dynamic resource whose provider calls the shared `s3hardening` module (the
same code the `statebackend` CLI uses). One job per module:
- object_storage_args.py: the settings (dataclasses, allowed values);
- object_storage_props.py: the rules over the dynamic resource's inputs, and args -> inputs;
- object_storage_provider.py: the dynamic provider and resource (pickled by reference);
- object_storage_endpoints.py: the catalogue's S3 endpoints, for s3hardening;
- this module: the component, and the public names (re-exported: stacks deployed before the split
  pickled `components.object_storage.EncryptedBucketProvider`, which must keep loading).

Rules enforced both in the component (before any resource exists) and in the provider's check():
- health data requires SSE-C with customer-held custody (SecNumCloud 3.3.2 framing: the provider
  must not hold the key); SSE-C and customer-held custody go together;
- health, logs and state buckets keep versioning;
- logs buckets keep object lock with at least 180 days of retention (SecNumCloud 12.6.c);
- non-public data never goes without the public access block or the TLS-only policy.
"""

from __future__ import annotations

import pulumi
import pulumi_openstack as openstack

from components.catalogue import OfferCatalogue
from components.object_storage_args import (
    Ec2CredentialArgs,
    EncryptedBucketArgs,
    ObjectLockArgs,
    StaticS3Credentials,
)
from components.object_storage_props import (
    SECRET_KEYS,
    args_to_props,
    props_failures,
    resolve_endpoint,
    validate_args,
)
from components.object_storage_provider import (
    EncryptedBucketProvider,
    EncryptedBucketResource,
    spec_from_props,
    target_from_props,
)

TYPE_TOKEN = "sovereign:storage:EncryptedBucket"

__all__ = [
    "SECRET_KEYS",
    "TYPE_TOKEN",
    "Ec2CredentialArgs",
    "EncryptedBucket",
    "EncryptedBucketArgs",
    "EncryptedBucketProvider",
    "EncryptedBucketResource",
    "ObjectLockArgs",
    "StaticS3Credentials",
    "args_to_props",
    "props_failures",
    "resolve_endpoint",
    "spec_from_props",
    "target_from_props",
    "validate_args",
]


class EncryptedBucket(pulumi.ComponentResource):
    """A hardened, encrypted bucket on the offer's S3 API."""

    bucket_name: pulumi.Output[str]
    endpoint_url: pulumi.Output[str]
    region: pulumi.Output[str]
    arn: pulumi.Output[str]
    encryption: pulumi.Output[str]
    custody: pulumi.Output[str]
    data_class: pulumi.Output[str]
    purpose: pulumi.Output[str]
    versioning: pulumi.Output[bool]
    object_lock_days: pulumi.Output[int | None]
    """Default retention in days, or None without object lock."""
    ec2_credential: openstack.identity.Ec2CredentialV3 | None
    """The Keystone EC2 credential child, or None with static credentials."""
    bucket: EncryptedBucketResource

    def __init__(
        self,
        name: str,
        args: EncryptedBucketArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        catalogue: OfferCatalogue | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        props = validate_args(args, catalogue)

        creds = args.credentials
        self.ec2_credential = None
        if isinstance(creds, Ec2CredentialArgs):
            self.ec2_credential = openstack.identity.Ec2CredentialV3(
                f"{name}-ec2-credential",
                project_id=creds.project_id,
                user_id=creds.user_id,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    provider=creds.provider,
                    additional_secret_outputs=["access", "secret"],
                ),
            )
            access: pulumi.Input[str] = self.ec2_credential.access
            secret: pulumi.Input[str] = self.ec2_credential.secret
        else:
            access, secret = creds.access_key_id, creds.secret_access_key
        props["accessKeyId"] = pulumi.Output.secret(access)
        props["secretAccessKey"] = pulumi.Output.secret(secret)

        depends = [self.ec2_credential] if self.ec2_credential is not None else []
        self.bucket = EncryptedBucketResource(
            f"{name}-bucket",
            props,
            pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=depends),
        )
        lock = props.get("objectLock")
        self.bucket_name = self.bucket.bucketName
        self.endpoint_url = self.bucket.endpointUrl
        self.arn = self.bucket.arn
        self.region = pulumi.Output.from_input(props["region"])
        self.encryption = pulumi.Output.from_input(props["encryption"])
        self.custody = pulumi.Output.from_input(props["custody"])
        self.data_class = pulumi.Output.from_input(props["dataClass"])
        self.purpose = pulumi.Output.from_input(props["purpose"])
        self.versioning = pulumi.Output.from_input(props["versioning"])
        self.object_lock_days = pulumi.Output.from_input(lock["days"] if lock else None)
        self.register_outputs(
            {
                "bucket_name": self.bucket_name,
                "endpoint_url": self.endpoint_url,
                "region": self.region,
                "arn": self.arn,
                "encryption": self.encryption,
                "custody": self.custody,
                "data_class": self.data_class,
                "purpose": self.purpose,
                "versioning": self.versioning,
                "object_lock_days": self.object_lock_days,
            }
        )
