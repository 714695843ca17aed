"""Thin routers: read the request, call a view or service, render."""
