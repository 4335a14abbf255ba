"""heatlint's built-in rules: one module per rule, loaded by heatlint.check.engine.

Modules whose name starts with "_" are shared helpers, not rules.
"""
