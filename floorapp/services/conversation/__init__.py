"""The conversation on a help request: the thread (thread.py) and the photos (photos.py)."""
