"""A configuration file that cannot be read: what it configures was not checked.

httpd refuses to start on a file it cannot open ("Could not open configuration file", or "not a
regular file" for a FIFO or device). heatlint reports the file and what it could not check
instead of guessing its content.

Fix: make the file a readable regular file, or remove what includes it.
"""

from ._common import input_problems

CODE = "HL003"
NAME = "unreadable-file"
SEVERITY = "error"
SUMMARY = "a configuration file that cannot be read"


def check(deployment):
    return input_problems(deployment, CODE)
