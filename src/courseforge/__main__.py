"""`python -m courseforge` and the `courseforge` command."""
import sys

from courseforge import __version__


def run() -> None:
    # The one answer that needs no command-line parser: `--version` stays near bare interpreter start-up.
    if sys.argv[1:] == ["--version"]:
        print(f"courseforge, version {__version__}")
        return
    from courseforge.cli import main

    main()


if __name__ == "__main__":
    run()
