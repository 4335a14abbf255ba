"""Parse stage: text → syntax trees with a file, line and column on every node.

Nothing here knows about Include, Define or modules; that is the resolve stage's job.
"""
