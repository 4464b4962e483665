"""Submits messages with Python's smtplib (a client nobody here wrote) and prints one JSON result.

Input (JSON on stdin): host, port, cafile, user, password, mail_from, rcpt_to (list), files (paths of
prepared messages, sent as bytes, i.e. as they are), mode ("smtps" implicit TLS or "starttls"),
mail_options (e.g. ["SMTPUTF8"] or ["BODY=8BITMIME"]). Mode "plain" stays unencrypted (to see AUTH
refused before STARTTLS).
Output: {"ehlo": [...], "login": "ok" | {"error", "code", "reply"},
         "results": [{"file", "code", "reply"} | {"file", "error", "code", "reply"}]}.
"""
import json
import smtplib
import ssl
import sys

job = json.load(sys.stdin)
context = ssl.create_default_context(cafile=job["cafile"])
timeout = job.get("timeout", 30)
mode = job.get("mode", "smtps")
if mode in ("starttls", "plain"):
    client = smtplib.SMTP(job["host"], job["port"], local_hostname="python.test", timeout=timeout)
    client.ehlo()
    if mode == "starttls":
        client.starttls(context=context)
        client.ehlo()
else:
    client = smtplib.SMTP_SSL(job["host"], job["port"], local_hostname="python.test", context=context, timeout=timeout)
    client.ehlo()
out = {"ehlo": sorted(client.esmtp_features.keys()), "results": []}
try:
    client.login(job["user"], job["password"])
    out["login"] = "ok"
except smtplib.SMTPResponseException as error:
    out["login"] = {"error": type(error).__name__, "code": error.smtp_code, "reply": error.smtp_error.decode("utf-8", "replace")}
    print(json.dumps(out))
    sys.exit(0)
except smtplib.SMTPNotSupportedError as error:
    out["login"] = {"error": "SMTPNotSupportedError", "code": 0, "reply": str(error)}
    print(json.dumps(out))
    sys.exit(0)
for path in job["files"]:
    with open(path, "rb") as handle:
        message = handle.read()
    try:
        code, reply = client.mail(job["mail_from"], job.get("mail_options", []))
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, job["mail_from"])
        for rcpt in job["rcpt_to"]:
            code, reply = client.rcpt(rcpt)
            if code != 250:
                raise smtplib.SMTPRecipientsRefused({rcpt: (code, reply)})
        code, reply = client.data(message)
        result = {"file": path, "code": code, "reply": reply.decode("utf-8", "replace")}
        if code != 250:
            # smtplib's data() returns the final reply instead of raising (sendmail() would raise).
            result["error"] = "SMTPDataError"
            client.rset()
        out["results"].append(result)
    except smtplib.SMTPResponseException as error:
        client.rset()
        out["results"].append({"file": path, "error": type(error).__name__, "code": error.smtp_code, "reply": error.smtp_error.decode("utf-8", "replace")})
    except smtplib.SMTPRecipientsRefused as error:
        client.rset()
        (code, reply), = error.recipients.values()
        out["results"].append({"file": path, "error": "SMTPRecipientsRefused", "code": code, "reply": reply.decode("utf-8", "replace")})
client.quit()
print(json.dumps(out))
