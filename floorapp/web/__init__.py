"""The HTML blueprints: one module per area, each exposing `bp`."""
