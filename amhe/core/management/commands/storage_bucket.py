"""Create the object-storage bucket the app keeps its files in, if it is not there yet.

With ``AMHE_STORAGE=s3`` (amhe/core/files.py), run once before the app starts (docker
compose runs it as the ``objectstore-bucket`` service). Waits up to ``--wait`` seconds for
the store to answer, so it can start alongside the store. With local storage it does
nothing. Safe to run again.
"""

import time

from botocore.exceptions import ClientError, EndpointConnectionError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the S3-compatible bucket for kept files (AMHE_STORAGE=s3) if it does not exist."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=60.0, help="Seconds to wait for the store to answer.")

    def handle(self, *args, wait: float, **options):
        bucket_name = getattr(default_storage, "bucket_name", None)
        if bucket_name is None:
            self.stdout.write("Kept files are on the local filesystem (AMHE_STORAGE=local): no bucket to create.")
            return
        client = default_storage.connection.meta.client
        deadline = time.monotonic() + wait
        while True:
            try:
                created = self._ensure(client, bucket_name, default_storage.region_name)
                break
            except (EndpointConnectionError, ConnectionError) as exc:
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"The object store did not answer within {wait:.0f} s ({exc}). Check AMHE_S3_ENDPOINT_URL."
                    ) from None
                time.sleep(1)
        self.stdout.write(f"Bucket '{bucket_name}' {'created' if created else 'is already there'}.")

    def _ensure(self, client, bucket_name: str, region: str | None) -> bool:
        try:
            client.head_bucket(Bucket=bucket_name)
            return False
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
                raise CommandError(
                    f"Bucket '{bucket_name}' cannot be reached with these credentials "
                    f"({exc.response.get('Error', {}).get('Code')}). Check AMHE_S3_ACCESS_KEY_ID and "
                    "AMHE_S3_SECRET_ACCESS_KEY."
                ) from None
        if region and region != "us-east-1":
            client.create_bucket(Bucket=bucket_name, CreateBucketConfiguration={"LocationConstraint": region})
        else:
            client.create_bucket(Bucket=bucket_name)
        return True
