"""ipctui: an IPC playground for the terminal."""

__version__ = "0.1.0"
