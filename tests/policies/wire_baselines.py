"""Baseline wire properties, as the program sends them: compliant providers, settings, a rule and a
health-data bucket, which the policy tests vary one field at a time (re-exported by conftest.py)."""

from __future__ import annotations

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE as UNKNOWN

from preflight.wire import secret

DEV_PROVIDER = {
    "authUrl": "https://auth.cloud.ovh.net/v3",
    "region": "GRA11",
    "insecure": "false",
    "applicationCredentialId": "0123456789abcdef",
    "applicationCredentialSecret": secret("s3cr3t-from-config"),
    "version": "5.5.3",
}
PROD_PROVIDER = {
    "authUrl": "https://keystone.eu-west-rbx-snc.example.fr/v3",
    "region": "eu-west-rbx-snc",
    "insecure": "false",
    "version": "5.5.3",
}
PROD_SETTINGS = {
    "environment": "prod",
    "exposedZones": ["dmz"],
    "adminSourceCidrs": ["198.51.100.0/24"],
    "approvedEndpoints": [
        {
            "url": "https://keystone.eu-west-rbx-snc.example.fr/v3",
            "offer": "ovh-snc",
            "regions": ["eu-west-rbx-snc"],
            "service": "identity",
            "approved_by": "Jane Doe (RSSI)",
        }
    ],
}
RULE_TYPE = "openstack:networking/secGroupRule:SecGroupRule"
SG_TYPE = "openstack:networking/secGroup:SecGroup"
HTTPS_IN = {
    "direction": "ingress",
    "ethertype": "IPv4",
    "protocol": "tcp",
    "portRangeMin": 443,
    "portRangeMax": 443,
    "remoteIpPrefix": "0.0.0.0/0",
    "securityGroupId": UNKNOWN,
    "description": "Public HTTPS entry point of the platform portal",
}
BUCKET_TYPE = "pulumi-python:dynamic/object_storage:EncryptedBucket"
HEALTH_BUCKET = {
    "bucketName": "health-data",
    "endpointUrl": "https://s3-beta.eu-west-rbx-snc.cloud.snc.ovh.net",
    "region": "eu-west-rbx-snc",
    "purpose": "data",
    "dataClass": "health",
    "custody": "customer-held",
    "encryption": "SSE-C",
    "versioning": True,
    "blockPublicAccess": True,
    "denyInsecureTransport": True,
    "accessKeyId": secret("AKID"),
    "secretAccessKey": secret("very-secret"),
}
BUCKET_SECRETS = ["accessKeyId", "secretAccessKey"]
