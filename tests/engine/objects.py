"""Copies the objects under a prefix of a bucket between the RGW and a folder.

    python3 objects.py save BUCKET PREFIX DIR      # RGW -> DIR/<key>
    python3 objects.py restore BUCKET PREFIX DIR   # DIR/<key> -> RGW
    python3 objects.py count BUCKET PREFIX         # prints the number of objects

Used by tests/engine/load to cache the TPC-H Iceberg tables between runs (the test
gateway keeps its objects in memory). Credentials and endpoint: the KUBECTL_DP_TEST_S3_*
variables of tests/s3/up. boto3 (installed with pip when missing by tests/engine/load).
"""

import os
import sys

import boto3
from botocore.config import Config


def client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ["KUBECTL_DP_TEST_S3_ENDPOINT"],
        aws_access_key_id=os.environ["KUBECTL_DP_TEST_S3_ACCESS_KEY"],
        aws_secret_access_key=os.environ["KUBECTL_DP_TEST_S3_SECRET_KEY"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )


def keys(s3, bucket, prefix):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"]


def main(argv):
    command, bucket, prefix = argv[1], argv[2], argv[3]
    s3 = client()
    if command == "count":
        print(sum(1 for _ in keys(s3, bucket, prefix)))
        return 0
    folder = argv[4]
    if command == "save":
        for key in keys(s3, bucket, prefix):
            path = os.path.join(folder, key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            s3.download_file(bucket, key, path)
        return 0
    if command == "restore":
        for root, _, files in os.walk(folder):
            for name in files:
                path = os.path.join(root, name)
                key = os.path.relpath(path, folder)
                if key.startswith(prefix):
                    s3.upload_file(path, bucket, key)
        return 0
    print(f"objects.py: unknown command {command}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
