"""Theme scripts and styles ship without comments and indentation.

The theme's sources stay readable (no build step to develop them); what a learner downloads,
often over a slow corporate network inside an LMS frame, is the minified copy.
"""
from __future__ import annotations

import rcssmin
import rjsmin


def shrink(path: str, data: bytes) -> bytes:
    if path.endswith(".js"):
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    if path.endswith(".css"):
        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
    return data
