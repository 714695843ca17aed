"""SPARQL 1.1 query result formats: the media types answers are written in.

Solutions and graphs are written by pyoxigraph (graph_build/store/answers.py cuts them at the
result limit); only ASK answers are written here, in the forms clients expect from the specs'
examples (CSV and TSV with the `_askResult` column, which pyoxigraph leaves out).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def write_json_boolean(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}, separators=(",", ":")).encode()


def write_xml_boolean(value: bool) -> bytes:
    return f"{_XML_HEAD}<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n".encode()


def write_csv_boolean(value: bool) -> bytes:
    return f"_askResult\r\n{'true' if value else 'false'}\r\n".encode()


def write_tsv_boolean(value: bool) -> bytes:
    return f"?_askResult\n{'true' if value else 'false'}\n".encode()


BOOLEAN_WRITERS: dict[str, Callable[[bool], bytes]] = {
    "application/sparql-results+json": write_json_boolean,
    "application/sparql-results+xml": write_xml_boolean,
    "text/csv": write_csv_boolean,
    "text/tab-separated-values": write_tsv_boolean,
}
SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
