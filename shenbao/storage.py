"""The default storage on S3-compatible object storage (STORAGE_BACKEND=s3), in one place: settings.py builds
production's from the environment with it, and tests/shenbao/test_s3_storage.py the same against the SeaweedFS
server that `.ci/run` starts, so what CI tests is what a server runs.

Objects are private (no ACL grant beyond the owner), names are never overwritten (a clash gets a new random
suffix, as on the local disk), and there is no public URL: every file goes out through a permission-checked
view that reads it with the keys below (docs/deployment.md, "Files on S3").
"""

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storage(
    *,
    bucket_name: str,
    endpoint_url: str | None,
    access_key: str | None,
    secret_key: str | None,
    region_name: str = "us-east-1",
    addressing_style: str | None = None,
) -> dict:
    """One STORAGES entry for django-storages' S3 backend. ``endpoint_url`` None is AWS itself;
    ``addressing_style`` "path" for a server reached by a plain host name (MinIO, SeaweedFS), None = botocore's
    choice (path style for an IP address)."""
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket_name,
            "endpoint_url": endpoint_url,
            "access_key": access_key,
            "secret_key": secret_key,
            "region_name": region_name,
            "addressing_style": addressing_style,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
