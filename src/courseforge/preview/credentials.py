"""The credentials the preview's LMS hands each xAPI launch, and the 401 its LRS answers any other
(xAPI 1.0.3 Part 3 §3.2, §4.0: HTTP Basic, as ralph and SCORM Cloud take it)."""
from __future__ import annotations

import base64
import json
import secrets

# RFC 7235 §4.1: a 401 says how to authenticate (server.py sends it: not to a page's own fetch).
CHALLENGE = 'Basic realm="courseforge preview LRS"'
# Where the course finds the credentials of its launch, said with every refusal.
GIVEN = "(cmi5: the fetch URL's auth-token; TinCan: the launch URL's auth)"


def issue() -> str:
    """Basic auth credentials no other launch, nor any other preview run, was given: a page left
    open across a restart on the same --port sends the old run's, which this run never issued."""
    return base64.b64encode(f"preview:{secrets.token_hex(12)}".encode()).decode()


def presented(auth: str) -> str:
    """The credentials of an Authorization header of the Basic scheme (named in any case, RFC 7617)."""
    scheme, _, credentials = auth.strip().partition(" ")
    return credentials.strip() if scheme.lower() == "basic" else ""


def unknown(auth: str) -> bytes:
    """The JSON error of a request without credentials this LMS issued."""
    if not auth.strip():
        said = f"no Authorization header: send every xAPI request with the credentials of the launch {GIVEN}"
    else:
        said = ("credentials this LMS never issued (made up, or of an earlier preview run): send those of the "
                f"launch {GIVEN}")
    return json.dumps({"error": said}).encode()
