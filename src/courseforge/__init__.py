"""courseforge: one folder of plain text, every eLearning standard."""

__version__ = "0.1.0"
