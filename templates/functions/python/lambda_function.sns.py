"""{{name}}: handles messages from an SNS topic. Raising makes Lambda retry the delivery."""

import json


def lambda_handler(event, context):
    for record in event["Records"]:
        sns = record["Sns"]
        print(json.dumps({"messageId": sns["MessageId"], "subject": sns.get("Subject"), "message": sns["Message"]}))
