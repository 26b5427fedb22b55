"""Reading settings from the environment (config/settings.py): typed values with defaults,
and the object-storage settings a bucket needs."""

import os
from urllib.parse import urlsplit


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name, default):
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def object_storage(bucket, *, endpoint_url="", public_url="", region="", addressing_style=""):
    """STORAGES["default"] for an S3-compatible bucket, and the MEDIA_URL its files are
    served from (docs/deploy.md). Credentials come from AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY (or the machine's role), read by boto3 itself.

    Pages store the URLs of pictures (in the rendered body and as thumbnails), so they must
    be public and lasting: no signed URLs that expire. Names are random and never reused,
    so the files may be cached for a year."""
    if not public_url:
        public_url = f"{endpoint_url.rstrip('/')}/{bucket}" if endpoint_url else f"https://{bucket}.s3.amazonaws.com"
    from botocore.config import Config

    public = urlsplit(public_url.rstrip("/"))
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "client_config": Config(
            # Path style by default for another provider's endpoint (MinIO, Ceph and most
            # others serve it; AWS itself takes virtual hosts).
            s3={"addressing_style": addressing_style or ("path" if endpoint_url else "auto")},
            # A store that does not answer costs a member seconds, not a worker's 30 s
            # timeout: one retry, short timeouts (botocore's default: 60 s, 4 retries).
            connect_timeout=3,
            read_timeout=20,
            retries={"mode": "standard", "total_max_attempts": 2},
        ),
        "custom_domain": public.netloc + public.path,
        "url_protocol": f"{public.scheme}:",
        "querystring_auth": False,
        "file_overwrite": False,  # a name collision gets another name, never replaces a picture
        "default_acl": None,  # readable through the bucket's policy; ACLs are off on new AWS buckets
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, f"{public.geturl()}/"
