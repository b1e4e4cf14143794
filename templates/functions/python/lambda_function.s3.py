"""{{name}}: runs when objects are created in a bucket.

S3 sends keys URL-encoded (a space is +), so a key is decoded before it is used with boto3.
"""

import json
from urllib.parse import unquote_plus


def lambda_handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        print(json.dumps({"event": record["eventName"], "bucket": bucket, "key": key, "size": record["s3"]["object"].get("size")}))
