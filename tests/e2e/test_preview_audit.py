"""`courseforge preview` used as an author does all day: the terminal's messages, the figures the
stand-in LMS shows, the place a save brings the author back to, and the panel on a phone."""
from __future__ import annotations

import socket

from click.testing import CliRunner

from courseforge.cli import main
from courseforge.scaffold import create


def test_a_port_in_use_is_one_line_not_a_traceback(tmp_path):
    project = tmp_path / "project"
    create(project)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["preview", str(project), "--no-open", "--port", str(port)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip() == (f"Error: cannot serve the preview on 127.0.0.1:{port}: the port is in use "
                                     "(another preview?) — stop what uses it, or leave out --port to take a free one")
