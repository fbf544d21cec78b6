#!/usr/bin/env python3
"""How many DEV corpus payloads fnguard finds when the request or record that
carries them is wrapped the way clients, AWS services and frameworks wrap
data: a body compressed with Content-Encoding (gzip, deflate, br, zstd), repeated
Content-Encoding and Content-Type lines, a body in an EBCDIC charset,
multipart parts with a Content-Transfer-Encoding, multipart file names in
RFC 2231 and RFC 2047 forms, UTF-16, Kinesis records of
gzip data, CloudWatch Logs subscriptions, Kafka records, S3 object keys.

Each payload goes into a JSON body field {"q": payload} (or a form field q, a
multipart part q, a log line, a Kafka value, an S3 key), the event is written
to a file, and `fnguard scan --format json` inspects every file; with
--modsecurity, `fnguard bench --vs modsecurity` runs the HTTP wrappings
through ModSecurity + CRS too (its "flagged" count). The benign rows of the
corpus go through the same wrappings for the false-positive side.

usage: scripts/wrapped-events-eval.py [--build DIR] [--sample N] [--modsecurity]
                                      [--work DIR] [--corpus FILE] [--only TEXT]
"""
import argparse
import base64
import ctypes
import ctypes.util
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import urllib.parse
import zlib


def v2(body: bytes, content_type: str, encoding: str = "") -> dict:
    headers = {"content-type": content_type, "host": "api.example.com"}
    if encoding:
        headers["content-encoding"] = encoding
    return {"version": "2.0", "routeKey": "POST /items", "rawPath": "/items", "rawQueryString": "",
            "headers": headers,
            "requestContext": {"http": {"method": "POST", "path": "/items"}},
            "isBase64Encoded": True, "body": base64.b64encode(body).decode()}


def v1_repeated(body: bytes, name: str, lines: list) -> dict:
    """A REST v1 event whose header `name` came as several lines: all of them
    in multiValueHeaders, the last in headers (as API Gateway delivers it)."""
    single = {"Host": "api.example.com", name: lines[-1]}
    multi = {"Host": ["api.example.com"], name: lines}
    if name != "Content-Type":
        single["Content-Type"] = "application/json"
        multi["Content-Type"] = ["application/json"]
    return {"resource": "/items", "path": "/items", "httpMethod": "POST", "headers": single,
            "multiValueHeaders": multi, "queryStringParameters": None,
            "multiValueQueryStringParameters": None, "pathParameters": None,
            "requestContext": {"httpMethod": "POST", "path": "/prod/items", "stage": "prod"},
            "isBase64Encoded": True, "body": base64.b64encode(body).decode()}


_BROTLIENC = []


def brotli(data: bytes) -> bytes:
    """data as one Brotli stream (quality 5, 4 MiB window), by libbrotlienc."""
    if not _BROTLIENC:
        _BROTLIENC.append(ctypes.CDLL(ctypes.util.find_library("brotlienc") or
                                      "libbrotlienc.so.1"))
    lib = _BROTLIENC[0]
    size = ctypes.c_size_t(len(data) + 1024)
    out = ctypes.create_string_buffer(size.value)
    if not lib.BrotliEncoderCompress(5, 22, 0, ctypes.c_size_t(len(data)), data,
                                     ctypes.byref(size), out):
        raise RuntimeError("BrotliEncoderCompress failed")
    return out.raw[:size.value]


_ZSTD = []


def zstd(data: bytes) -> bytes:
    """data as one Zstandard frame (level 3), by libzstd."""
    if not _ZSTD:
        lib = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
        lib.ZSTD_compressBound.restype = ctypes.c_size_t
        lib.ZSTD_compress.restype = ctypes.c_size_t
        lib.ZSTD_isError.restype = ctypes.c_uint
        _ZSTD.append(lib)
    lib = _ZSTD[0]
    cap = lib.ZSTD_compressBound(ctypes.c_size_t(len(data)))
    out = ctypes.create_string_buffer(cap)
    n = lib.ZSTD_compress(out, ctypes.c_size_t(cap), data, ctypes.c_size_t(len(data)), 3)
    if lib.ZSTD_isError(ctypes.c_size_t(n)):
        raise RuntimeError("ZSTD_compress failed")
    return out.raw[:n]


def json_body(p: str) -> bytes:
    return json.dumps({"q": p}).encode()


def multipart(p: str, cte: str) -> bytes:
    raw = p.encode("utf-8", "surrogateescape")
    enc = base64.b64encode(raw).decode() if cte == "base64" else \
        "".join("=%02X" % b for b in raw)
    return ("--XyZ\r\nContent-Disposition: form-data; name=\"q\"\r\n"
            f"Content-Transfer-Encoding: {cte}\r\n\r\n{enc}\r\n--XyZ--\r\n").encode()


def file_part(disposition: str) -> bytes:
    return ("--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; " + disposition +
            "\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n").encode("utf-8", "surrogateescape")


def plain_file_name(p: str, before: str = ""):
    if "\r" in p or "\n" in p:
        return None  # a header line cannot hold it
    return file_part(before + 'filename="' + p.replace("\\", "\\\\").replace('"', '\\"') + '"')


def encoded_word(p: str) -> str:
    raw = p.encode("utf-8", "surrogateescape")
    return "=?UTF-8?Q?" + "".join(chr(b) if chr(b).isalnum() and b < 128 else "=%02X" % b
                                  for b in raw) + "?="


def cw_logs(p: str) -> bytes:
    return json.dumps({"messageType": "DATA_MESSAGE", "owner": "123456789012",
                       "logGroup": "/aws/lambda/api", "logStream": "s",
                       "subscriptionFilters": ["f"],
                       "logEvents": [{"id": "1", "timestamp": 1, "message": p}]}).encode()


def ebcdic_form(p: str):
    try:
        return ("q=" + urllib.parse.quote(p, safe="")).encode("cp037")
    except UnicodeEncodeError:
        return None


# name -> (HTTP event?, builder(payload) -> event dict or None)
WRAPPINGS = {
    "JSON body as sent (baseline)": (True, lambda p: v2(json_body(p), "application/json")),
    "JSON body, Content-Encoding: gzip": (True, lambda p: v2(gzip.compress(json_body(p), mtime=0),
                                                            "application/json", "gzip")),
    "JSON body, Content-Encoding: deflate": (True, lambda p: v2(zlib.compress(json_body(p)),
                                                               "application/json", "deflate")),
    "JSON body, Content-Encoding: br": (True, lambda p: v2(brotli(json_body(p)),
                                                          "application/json", "br")),
    "JSON body, Content-Encoding: zstd": (True, lambda p: v2(zstd(json_body(p)),
                                                            "application/json", "zstd")),
    "JSON body, Content-Encoding lines identity then gzip (REST v1 headers keep the last)": (
        True, lambda p: v1_repeated(gzip.compress(json_body(p), mtime=0), "Content-Encoding",
                                    ["identity", "gzip"])),
    "multipart body, Content-Type lines octet-stream then multipart (base64 part)": (
        True, lambda p: v1_repeated(multipart(p, "base64"), "Content-Type",
                                    ["application/octet-stream",
                                     "multipart/form-data; boundary=XyZ"])),
    "JSON body labelled form-urlencoded (handlers that JSON-parse any body)": (True, lambda p: v2(
        json_body(p), "application/x-www-form-urlencoded")),
    "JSON body labelled text/plain": (True, lambda p: v2(json_body(p), "text/plain")),
    "JSON body with a comment and a trailing comma (Newtonsoft, Jackson options, JSON5)": (
        True, lambda p: v2(b'{/* note */ "q": ' + json.dumps(p).encode() + b', }',
                           "application/json")),
    "JSON body with single-quoted strings (Newtonsoft, JSON5)": (True, lambda p: v2(
        b"{'q': '" + json.dumps(p)[1:-1].replace("'", "\\'").encode() + b"'}",
        "application/json")),
    "JSON body with single-quoted strings labelled form-urlencoded": (True, lambda p: v2(
        b"{'q': '" + json.dumps(p)[1:-1].replace("'", "\\'").encode() + b"'}",
        "application/x-www-form-urlencoded")),
    "JSON body after a UTF-8 byte order mark (.NET, Jackson)": (True, lambda p: v2(
        b"\xef\xbb\xbf" + json_body(p), "application/json")),
    "JSON body in UTF-16LE": (True, lambda p: v2(json.dumps({"q": p}).encode("utf-16-le",
                                                                           "surrogatepass"),
                                                "application/json; charset=utf-16le")),
    "form body in IBM037 (EBCDIC)": (True, lambda p: (lambda b: b and v2(
        b, "application/x-www-form-urlencoded; charset=ibm037"))(ebcdic_form(p))),
    "multipart part, base64 transfer encoding": (True, lambda p: v2(
        multipart(p, "base64"), "multipart/form-data; boundary=XyZ")),
    "multipart part, quoted-printable": (True, lambda p: v2(
        multipart(p, "quoted-printable"), "multipart/form-data; boundary=XyZ")),
    "multipart file name as sent": (True, lambda p: (lambda b: b and v2(
        b, "multipart/form-data; boundary=XyZ"))(plain_file_name(p))),
    "multipart file name repeated (Commons FileUpload, Werkzeug take the last)": (True,
        lambda p: (lambda b: b and v2(b, "multipart/form-data; boundary=XyZ"))(
            plain_file_name(p, 'filename="report.pdf"; '))),
    "multipart file name, RFC 2231 filename*": (True, lambda p: v2(file_part(
        "filename*=UTF-8''" + urllib.parse.quote(p.encode("utf-8", "surrogateescape"), safe="")),
        "multipart/form-data; boundary=XyZ")),
    "multipart file name, RFC 2047 encoded word": (True, lambda p: v2(file_part(
        'filename="' + encoded_word(p) + '"'), "multipart/form-data; boundary=XyZ")),
    "Kinesis record of gzip data (CloudWatch Logs)": (False, lambda p: {"Records": [{
        "eventSource": "aws:kinesis", "kinesis": {"partitionKey": "k", "data": base64.b64encode(
            gzip.compress(cw_logs(p), mtime=0)).decode()}}]}),
    "CloudWatch Logs subscription line": (False, lambda p: {"awslogs": {
        "data": base64.b64encode(gzip.compress(cw_logs(p), mtime=0)).decode()}}),
    "Kafka record value": (False, lambda p: {"eventSource": "aws:kafka", "records": {"t-0": [{
        "topic": "t", "partition": 0, "offset": 1, "key": "azE=",
        "value": base64.b64encode(json_body(p)).decode(), "headers": []}]}}),
    "S3 object key (URL-encoded)": (False, lambda p: {"Records": [{
        "eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {
            "bucket": {"name": "uploads"}, "object": {
                "key": urllib.parse.quote_plus(p), "size": 1}}}]}),
}


def scan(binary: str, files: list) -> int:
    flagged = 0
    for i in range(0, len(files), 500):
        out = subprocess.run([binary, "scan", "--format", "json"] + files[i:i + 500],
                             capture_output=True, text=True).stdout
        for line in out.split("\n"):  # (not splitlines(): excerpts may hold U+2028)
            if line.strip() and json.loads(line)["findings"]:
                flagged += 1
    return flagged


def modsecurity(binary: str, directory: str) -> int:
    out = subprocess.run([binary, "bench", "--events", directory, "--iterations", "1",
                          "--vs", "modsecurity"], capture_output=True, text=True).stdout
    counts = [line for line in out.splitlines() if "flagged" in line]
    # The second "flagged N of M events" line is ModSecurity's.
    return int(counts[-1].split("flagged")[1].split()[0]) if len(counts) >= 2 else -1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__),
                                                     "../../shared/corpus/payloads.dev.jsonl"))
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--modsecurity", action="store_true")
    ap.add_argument("--work")
    ap.add_argument("--only", help="run only the wrappings whose name holds this text")
    args = ap.parse_args()
    binary = os.path.join(args.build, "fnguard")
    rows = [json.loads(line) for line in open(args.corpus)]
    rng = random.Random(20261130)
    attacks = rng.sample([r for r in rows if r["label"] != "benign"], args.sample)
    benign = rng.sample([r for r in rows if r["label"] == "benign"], args.sample)
    work = args.work or tempfile.mkdtemp(prefix="wrapped-")
    print(f"| wrapping ({args.sample} attack payloads, {args.sample} benign values) | "
          "fnguard attacks | fnguard benign flagged" +
          (" | ModSecurity + CRS attacks | ModSecurity benign flagged |" if args.modsecurity
           else " |"))
    print("|---|---|---" + ("|---|---|" if args.modsecurity else "|"))
    for k, (name, (http, build)) in enumerate(WRAPPINGS.items()):
        if args.only and args.only not in name:
            continue
        cells = []
        for kind, sample in (("attack", attacks), ("benign", benign)):
            d = os.path.join(work, f"{k:02d}-{kind}")
            os.makedirs(d, exist_ok=True)
            files = []
            for i, r in enumerate(sample):
                ev = build(r["payload"])
                if ev is None:
                    continue
                f = os.path.join(d, f"{i:05d}.json")
                with open(f, "w") as out:
                    json.dump(ev, out)
                files.append(f)
            n = scan(binary, files)
            cells.append((n, len(files), d))
        row = f"| {name} | {cells[0][0] / cells[0][1]:.1%} | {cells[1][0]} of {cells[1][1]}"
        if args.modsecurity:
            if http:
                ma, mb = modsecurity(binary, cells[0][2]), modsecurity(binary, cells[1][2])
                row += f" | {ma / cells[0][1]:.1%} | {mb} of {cells[1][1]}"
            else:
                row += " | (not HTTP) | (not HTTP)"
        print(row + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
