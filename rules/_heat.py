"""Which Heat service a path or an application names: "api" (OpenStack-native orchestration) or
"cfn" (the CloudFormation-compatible API)."""

from __future__ import annotations


def service_of_path(path: str | None) -> str:
    p = (path or "").lower()
    if "cfn" in p or "cloudformation" in p:
        return "cfn"
    if "heat-api" in p or "orchestration" in p:
        return "api"
    return ""


def service_of_app(app) -> str:
    for name in ("module", "wsgi-file"):
        opt = app.get(name)
        if opt is None:
            continue
        value = opt.value.strip()
        if value.startswith("heat.wsgi.cfn") or value.endswith(("heat-wsgi-api-cfn", "heat-api-cfn")):
            return "cfn"
        if value.startswith("heat.wsgi.api") or value.endswith(("heat-wsgi-api", "/heat-api")):
            return "api"
    return ""
