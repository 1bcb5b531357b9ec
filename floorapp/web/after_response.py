"""Work a request must do but its answer need not wait for: run once the response is sent.

A customer's scan answers within 10 ms (issue 17); recording that the size they scanned
is not here takes the database's writer lock and a commit, which would double that. The
WSGI server calls the response's `close()` after the last byte is written (PEP 3333), so
work hung there costs the worker but not the customer. It runs in a fresh app context
(the request's is gone by then), takes only plain values (the request's ORM objects are
detached), and a failure is logged, never raised into the server.
"""

from collections.abc import Callable

from flask import after_this_request, current_app


def after_response(work: Callable[[], object]) -> None:
    """Run `work` in this app's context once the current response has been sent."""
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                work()
            except Exception:
                app.logger.exception("Work after the response failed")

    @after_this_request
    def hang_on_close(response):
        response.call_on_close(run)
        return response
