"""Security headers on every response, and the reverse-proxy set-up.

Every page and script is served by the app itself, so the Content-Security-Policy can
allow only this origin and no inline scripts at all.
"""

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from floorapp.web import caching

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    # the handheld scans barcodes with its camera; nothing else is needed
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def register(app: Flask) -> None:
    """Add the headers to every response and trust the configured number of proxies.

    Signed-in answers also get their caching and session labels (floorapp/web/caching.py).
    """
    app.after_request(add_security_headers)
    caching.register(app)
    proxies = int(app.config["PROXY_COUNT"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_port=proxies)


def add_security_headers(response):
    """Set the security headers, and HSTS when the request came over HTTPS."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
