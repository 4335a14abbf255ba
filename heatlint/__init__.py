"""heatlint: static analysis of Apache httpd + uwsgi deployments of WSGI APIs."""
__version__ = "0.1.0"
