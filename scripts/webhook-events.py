#!/usr/bin/env python3
"""Benign webhook deliveries as Lambda events, for false-positive runs.

Wraps every JSON document under DIR (for example a copy of the payload
examples of github.com/octokit/webhooks, kept outside the repository) in the
event a function URL or an HTTP API (payload format 2.0) hands a function
when the document is POSTed to it, with the headers a webhook sender adds,
and writes one event file per document to OUT. Then

    fnguard scan --format json OUT/*.json

reports what fnguard finds in them: every document is an ordinary delivery,
so every finding is a false positive.

usage: scripts/webhook-events.py DIR OUT [--sender github]
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
import uuid


def sender_headers(sender, name, body):
    if sender == "github":
        event = name.split(os.sep)[0].split(".")[0]
        sig = hmac.new(b"fnguard-test-secret", body.encode(), hashlib.sha256).hexdigest()
        return {
            "user-agent": "GitHub-Hookshot/8e7d6f2",
            "x-github-event": event,
            "x-github-delivery": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
            "x-github-hook-id": "412098713",
            "x-github-hook-installation-target-type": "repository",
            "x-hub-signature-256": "sha256=" + sig,
        }
    return {"user-agent": "webhook-sender/1.0"}


def event_for(body, headers, name):
    headers = dict(headers)
    headers.update({
        "content-type": "application/json",
        "content-length": str(len(body.encode())),
        "host": "abcdefghij.lambda-url.eu-west-1.on.aws",
        "x-forwarded-proto": "https",
        "x-forwarded-for": "140.82.115.10",
        "x-amzn-trace-id": "Root=1-67891233-abcdef012345678912345678",
        "accept": "*/*",
    })
    request_id = str(uuid.uuid5(uuid.NAMESPACE_OID, name))
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/webhooks",
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abcdefghij",
            "domainName": "abcdefghij.lambda-url.eu-west-1.on.aws",
            "domainPrefix": "abcdefghij",
            "http": {"method": "POST", "path": "/webhooks", "protocol": "HTTP/1.1",
                     "sourceIp": "140.82.115.10", "userAgent": headers["user-agent"]},
            "requestId": request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": "28/Nov/2026:10:15:30 +0000",
            "timeEpoch": 1795861530000,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("out")
    ap.add_argument("--sender", default="github", choices=["github", "generic"])
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    n = 0
    for dirpath, dirnames, filenames in os.walk(a.dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fname in sorted(filenames):
            if not fname.endswith(".json"):
                continue
            path = os.path.join(dirpath, fname)
            rel = os.path.relpath(path, a.dir)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            try:
                json.loads(text)
            except ValueError as e:
                print(f"skipped {rel}: not JSON ({e})", file=sys.stderr)
                continue
            # Senders post compact JSON.
            body = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
            ev = event_for(body, sender_headers(a.sender, rel, body), rel)
            out = os.path.join(a.out, rel.replace(os.sep, "__"))
            with open(out, "w", encoding="utf-8") as f:
                json.dump(ev, f, ensure_ascii=False)
            n += 1
    print(f"wrote {n} events to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
