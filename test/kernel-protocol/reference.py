"""Writes test/kernel-protocol/fixtures/reference.json: reference values for the kernel's own
protocol helpers, computed by the implementations Jupyter itself uses:

  - history search globs: SQLite's GLOB operator, which IPython's HistoryManager.search runs;
  - message framing and signing: jupyter_client's Session (HMAC-SHA256 wire protocol).

Run with Debian's Python (it has jupyter_client):
    /usr/bin/python3 test/kernel-protocol/reference.py
"""
import hashlib
import hmac
import json
import os
import sqlite3

from jupyter_client.session import Session

HERE = os.path.dirname(os.path.abspath(__file__))

TEXTS = [
    "6 * 7",
    "6 * 70",
    "const x = 6 * 7;",
    "a\nb",
    "abc",
    "aXc",
    "a.c",
    "[1, 2]",
    "x?",
    "",
    "ABC",
    "a!c",
    "a]c",
]
PATTERNS = ["6 * 7", "*6 * 7*", "a?c", "a*", "*", "a[bX]c", "a[^b]c", "a[!b]c", "a.c", "[[]1*", "x?", "a[]]c", "A*", "a\nb", "*\n*"]


def glob_matches():
    db = sqlite3.connect(":memory:")
    rows = []
    for pattern in PATTERNS:
        for text in TEXTS:
            (match,) = db.execute("SELECT ? GLOB ?", (text, pattern)).fetchone()
            rows.append({"pattern": pattern, "text": text, "match": bool(match)})
    return rows


def signed_message():
    session = Session(key=b"secret", username="tester", session="session-1", signature_scheme="hmac-sha256")
    content = {"output": True, "raw": True, "hist_access_type": "tail", "n": 3}
    msg = session.msg("history_request", content=content)
    frames = session.serialize(msg, ident=[b"client-identity"])
    return {
        "key": "secret",
        "frames": [f.decode("utf-8") for f in frames],
        "msg_type": "history_request",
        "msg_id": msg["header"]["msg_id"],
        "content": content,
        "identities": ["client-identity"],
    }


def signature_samples():
    parts = ['{"msg_type":"status"}', '{"msg_id":"p"}', "{}", '{"execution_state":"busy"}']
    mac = hmac.new(b"k3y", digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part.encode("utf-8"))
    return {"key": "k3y", "parts": parts, "signature": mac.hexdigest()}


def main():
    reference = {
        "glob": glob_matches(),
        "message": signed_message(),
        "signature": signature_samples(),
    }
    os.makedirs(os.path.join(HERE, "fixtures"), exist_ok=True)
    with open(os.path.join(HERE, "fixtures", "reference.json"), "w") as f:
        json.dump(reference, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
