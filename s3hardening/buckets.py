"""Existence, emptiness and deletion of a bucket, through any S3 client."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from .client import error_code
from .errors import BucketNotEmptyError, S3OperationError

NOT_FOUND_CODES = frozenset({"404", "NoSuchBucket", "NotFound"})


def bucket_exists(client: Any, name: str) -> bool:
    """True if the bucket exists and we can reach it; False if it does not exist.

    A 403 means the name is taken by someone else (or we have no rights): raised, never guessed.
    """
    try:
        client.head_bucket(Bucket=name)
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND_CODES:
            return False
        raise
    return True


def bucket_is_empty(client: Any, name: str) -> bool:
    """No object, no noncurrent version, no delete marker, no pending multipart upload."""
    listing = client.list_object_versions(Bucket=name, MaxKeys=1)
    if listing.get("Versions") or listing.get("DeleteMarkers"):
        return False
    uploads = client.list_multipart_uploads(Bucket=name, MaxUploads=1)
    return not uploads.get("Uploads")


def empty_bucket(client: Any, name: str) -> int:
    """Delete every object version and delete marker; return how many were removed.

    Versions under object-lock retention make S3 refuse; the error propagates.
    """
    removed = 0
    paginator = client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=name):
        batch = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(batch), 1000):
            chunk = batch[start : start + 1000]
            answer = client.delete_objects(Bucket=name, Delete={"Objects": chunk, "Quiet": True})
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise S3OperationError(
                    f"bucket '{name}': could not delete {len(errors)} object version(s), first "
                    f"'{first.get('Key')}' ({first.get('Code')}); object lock retention or rights",
                    step="empty",
                    code=str(first.get("Code", "")),
                )
            removed += len(chunk)
    uploads = client.list_multipart_uploads(Bucket=name)
    for upload in uploads.get("Uploads", []):
        client.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    return removed


def delete_bucket(client: Any, name: str, *, force: bool = False) -> None:
    """Delete the bucket; refuse a non-empty one unless force (which empties it first)."""
    if not bucket_exists(client, name):
        return
    if not bucket_is_empty(client, name):
        if not force:
            raise BucketNotEmptyError(
                f"bucket '{name}' is not empty: refusing to delete it (set forceDestroy to true to"
                " delete every object version first)",
                step="delete",
            )
        empty_bucket(client, name)
    client.delete_bucket(Bucket=name)
