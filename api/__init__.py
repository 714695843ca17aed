"""The cspkg API: a SPARQL 1.1 endpoint, REST views in JSON-LD / Turtle / CSV, and URIs that
dereference. `api.app.create_app(settings)` makes the ASGI app."""
