"""Query logic of the REST views: each view runs .rq files through the store interface and
shapes the rows into JSON-LD documents (api/context.py names the keys)."""
