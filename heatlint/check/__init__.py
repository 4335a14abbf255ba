"""Check stage: rules over the deployment model."""

from .engine import Finding, Problem, Rule, RuleError, load_rules, run

__all__ = ["Finding", "Problem", "Rule", "RuleError", "load_rules", "run"]
