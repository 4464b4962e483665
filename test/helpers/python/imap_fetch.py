"""Fetches every message of INBOX with Python's imaplib and writes BODY[] of UID n to <outdir>/<n>.

Input (JSON on stdin): host, port, cafile, user, password, outdir.
Output: {"login": "OK", "uids": [...], "uidvalidity": n}.
"""
import json
import imaplib
import os
import ssl
import sys

job = json.load(sys.stdin)
context = ssl.create_default_context(cafile=job["cafile"])
client = imaplib.IMAP4_SSL(job["host"], job["port"], ssl_context=context, timeout=job.get("timeout", 30))
typ, _ = client.login(job["user"], job["password"])
out = {"login": typ, "uids": []}
client.select("INBOX", readonly=True)
out["uidvalidity"] = int(client.untagged_responses.get("UIDVALIDITY", [b"0"])[0])
typ, data = client.uid("SEARCH", None, "ALL")
uids = [int(u) for u in data[0].split()]
for uid in uids:
    typ, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    literal = next(part[1] for part in data if isinstance(part, tuple))
    with open(os.path.join(job["outdir"], str(uid)), "wb") as handle:
        handle.write(literal)
    out["uids"].append(uid)
client.logout()
print(json.dumps(out))
