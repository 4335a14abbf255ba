"""A ``plugins`` entry naming a plugin that Debian, Ubuntu and Fedora do not ship.

Distribution uwsgi packages are a small core plus one shared object per plugin
(``/usr/lib/uwsgi/plugins/python3_plugin.so``). The Python 3 plugin is called ``python3`` (also
``python311`` and the like); there is no ``python`` plugin since Python 2 was removed. The Debian
2.0.21 build does not stop on a plugin it cannot find: it logs "!!! UNABLE to load uWSGI plugin:
…/python_plugin.so: cannot open shared object file !!!", starts without it ("no request plugin is
loaded, you will not be able to manage requests"), ignores the Python options as unknown keys,
and every request gets **500** through mod_proxy_uwsgi (**502** through mod_proxy_http).

Reported: names starting with ``python`` that are not ``python3``/``python3X``, and names one or
two letters away from a shipped plugin (``pyhton3``, ``htpp``). Other names may be third-party
plugins and are left alone; so are explicit paths (``/opt/uwsgi/foo_plugin.so``).

Failing::

    plugins = python

Fixed::

    plugins = python3

Verified end to end: tests/e2e/scenarios/broken-plugin-python.toml.
"""

import difflib
import re

from heatlint.check import Problem

CODE = "HL451"
NAME = "uwsgi-plugin-not-shipped"
SEVERITY = "error"
SUMMARY = "plugins entry distro packages do not ship (e.g. python instead of python3)"

# uwsgi-core and the uwsgi-plugin-* packages of Debian 12 / Ubuntu, and Fedora's uwsgi-plugin-*.
SHIPPED = {
    "cache", "carbon", "cgi", "cheaper_backlog2", "cheaper_busyness", "clock_monotonic",
    "clock_realtime", "corerouter", "echo", "emperor_amqp", "emperor_zeromq", "fastrouter",
    "forkptyrouter", "http", "logcrypto", "logfile", "logpipe", "logsocket", "logzmq", "mongrel2",
    "msgpack", "nagios", "notfound", "pam", "ping", "pty", "rawrouter", "redislog", "router_basicauth",
    "router_cache", "router_expires", "router_hash", "router_http", "router_memcached",
    "router_metrics", "router_radius", "router_redirect", "router_redis", "router_rewrite",
    "router_static", "router_uwsgi", "router_xmldir", "rpc", "rrdtool", "rsyslog", "signal",
    "spooler", "ssi", "sslrouter", "stats_pusher_file", "stats_pusher_socket", "stats_pusher_statsd",
    "symcall", "syslog", "systemd_logger", "transformation_chunked", "transformation_gzip",
    "transformation_offload", "transformation_template", "transformation_tofile",
    "transformation_toupper", "tuntap", "ugreen", "webdav", "xattr", "zabbix", "zergpool",
    "python3", "asyncio_python3", "gevent_python3", "greenlet_python3", "tornado_python3",
    "alarm_curl", "alarm_xmpp", "curl_cron", "emperor_pg", "fiber", "gccgo", "geoip", "glusterfs",
    "jvm", "jwsgi", "ldap", "lua", "lua51", "lua52", "luajit", "mono", "php", "psgi", "rack",
    "rados", "ring", "router_access", "servlet", "sqlite3", "xslt", "coroae", "graylog2", "mongodblog",
    "stats_pusher_mongodb", "v8", "gridfs", "dumbloop", "airbrake", "alarm_speech", "zeromq",
}
_PYTHON3 = re.compile(r"python3\d*")


def _name(entry: str) -> str:
    return entry.split(":")[-1].strip()


def check(deployment):
    for app in deployment.apps:
        for opt in app.all("plugins") + app.all("need-plugin"):
            for entry in opt.value.replace(",", " ").split():
                name = _name(entry)
                if not name or "/" in name or name.endswith(".so") or name in SHIPPED \
                        or _PYTHON3.fullmatch(name):
                    continue
                if name.startswith("python"):
                    yield Problem(f"`{opt.key} = {opt.value}`: there is no {name} plugin in Debian, "
                                  "Ubuntu or Fedora (Python 3 is `python3`): uwsgi logs \"UNABLE to "
                                  "load uWSGI plugin\", runs without Python, and every request gets "
                                  "500 (uwsgi://) or 502 (http://); write `python3`", opt.location)
                    continue
                close = difflib.get_close_matches(name, SHIPPED, n=1, cutoff=0.75)
                if close:
                    yield Problem(f"`{opt.key} = {opt.value}`: there is no plugin {name!r} (did you "
                                  f"mean {close[0]}?): uwsgi logs \"UNABLE to load uWSGI plugin\" and "
                                  "starts without it", opt.location)
