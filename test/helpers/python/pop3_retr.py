"""Reads a maildrop with Python's poplib and writes message n to <outdir>/<n> as poplib returns it:
its lines (poplib splits on LF, drops CRLF or LF, un-stuffs a leading "..") joined with CRLF, plus a
final CRLF. That is the stored message exactly when the message uses CRLF throughout and ends with
CRLF, as every submitted message does.

Input (JSON on stdin): host, port, cafile, user, password, outdir, auth ("user" or "plain").
Output: {"stat": [count, octets], "list": {n: octets}, "uidl": {n: id}, "capa": {...}, "retr_octets": {n: octets}}.
"""
import base64
import json
import os
import poplib
import ssl
import sys

# poplib refuses lines over 2048 octets (_MAXLINE); RFC 5322 allows 998 but real messages (and the
# corpus) have longer ones, so this client reads up to 10 MB per line.
poplib._MAXLINE = 10 * 1024 * 1024

job = json.load(sys.stdin)
context = ssl.create_default_context(cafile=job["cafile"])
client = poplib.POP3_SSL(job["host"], job["port"], context=context, timeout=job.get("timeout", 30))
out = {"welcome": client.getwelcome().decode(), "capa": {k: v for k, v in client.capa().items()}}
if job.get("auth", "user") == "plain":
    token = base64.b64encode(b"\0" + job["user"].encode() + b"\0" + job["password"].encode()).decode()
    out["auth"] = client._shortcmd("AUTH PLAIN " + token).decode()
else:
    client.user(job["user"])
    out["auth"] = client.pass_(job["password"]).decode()
out["stat"] = list(client.stat())
out["list"] = {line.split()[0].decode(): int(line.split()[1]) for line in client.list()[1]}
out["uidl"] = {line.split()[0].decode(): line.split()[1].decode() for line in client.uidl()[1]}
out["retr_octets"] = {}
for number in out["list"]:
    resp, lines, octets = client.retr(int(number))
    with open(os.path.join(job["outdir"], number), "wb") as handle:
        handle.write(b"\r\n".join(lines) + b"\r\n")
    out["retr_octets"][number] = octets
out["quit"] = client.quit().decode()
print(json.dumps(out))
