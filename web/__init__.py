"""Djoliba's web layer: HTML pages for the agency's staff and a JSON API, over the engine."""
from flask import Flask
from flask_compress import Compress

from web import (admin, api, audit, auth, config, countries, diagram_labels, diagrams, display, employers, errors, i18n,
                 instances, labels, letters, modeler, notifications, people, pool, portal, portal_candidates,
                 security_headers, statistics, store, tasks, tokens)


def create_app(test_config=None):
    """Build the Flask app; `test_config` overrides settings read from the environment."""
    app = Flask(__name__)
    app.config.from_mapping(config.from_environment(app.instance_path))
    app.config.update(test_config or {})
    store.init_app(app)
    Compress(app)
    i18n.init_app(app)
    labels.init_app(app)
    display.init_app(app)
    diagram_labels.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    security_headers.init_app(app)
    for blueprint in (auth.bp, tasks.bp, instances.bp, letters.bp, notifications.bp, people.bp, pool.bp, employers.bp,
                      countries.bp, statistics.bp, diagrams.bp,
                      modeler.bp, audit.bp, admin.bp, tokens.bp, portal.bp, portal_candidates.bp, api.bp):
        app.register_blueprint(blueprint)
    return app
