#!/usr/bin/python3
"""Build emails and zip archives as mail clients and zippers make them, with Python's own
email and zipfile packages (not our code), for tests of what the office receives.

    python3 internal/clienttest/mail.py JOB.json

JOB.json:

    {
      "mails": [
        {
          "out": "a.eml",
          "from": "宝山镇 <bs@example.gov.cn>", "to": "office@example.gov.cn",
          "date": "2024-01-08T16:30:00+08:00", "subject": "报送表",
          "body": "请查收。",
          "attachments": [{"name": "报送表.xlsx", "path": "x.xlsx"}],
          "forward": {                      # optional: the message above, forwarded
            "from": "同事 <colleague@example.cn>", "to": "office@example.gov.cn",
            "date": "2024-01-10T09:00:00+08:00", "subject": "转发：报送表",
            "body": "转发单位的报送表。"
          }
        }
      ],
      "zips": [
        {"out": "a.zip", "entries": [{"name": "宝山镇/报送表.xlsx", "path": "x.xlsx"}]}
      ]
    }

A forwarded message is attached whole (message/rfc822), as Outlook, Foxmail and
Thunderbird forward "as attachment". Attachment names are encoded as the email package
does it (RFC 2231 for non-ASCII names).
"""

import datetime
import email.message
import email.policy
import email.utils
import json
import mimetypes
import sys
import zipfile


def message(spec, attachments):
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = spec["from"]
    m["To"] = spec["to"]
    m["Date"] = email.utils.format_datetime(datetime.datetime.fromisoformat(spec["date"]))
    m["Subject"] = spec["subject"]
    m["Message-ID"] = email.utils.make_msgid(domain="example.cn")
    m.set_content(spec.get("body", ""))
    for a in attachments:
        with open(a["path"], "rb") as fh:
            data = fh.read()
        ctype = a.get("type") or mimetypes.guess_type(a["name"])[0] or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=a["name"])
    return m


def main(argv):
    with open(argv[1], encoding="utf-8") as fh:
        job = json.load(fh)
    for spec in job.get("mails", []):
        m = message(spec, spec.get("attachments", []))
        if "forward" in spec:
            outer = message(spec["forward"], [])
            outer.add_attachment(m)  # message/rfc822
            m = outer
        with open(spec["out"], "wb") as fh:
            fh.write(m.as_bytes())
    for spec in job.get("zips", []):
        with zipfile.ZipFile(spec["out"], "w", zipfile.ZIP_DEFLATED) as z:
            for e in spec["entries"]:
                z.write(e["path"], e["name"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
