"""Tests that run the real server (`djoliba serve`, gunicorn) and use it over HTTP as people do."""
