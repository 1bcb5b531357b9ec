"""The baseline: the smallest Flask app, served exactly like floorapp."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Say hello: the ceiling every throughput figure is compared with."""
    return "Hello, World!"
