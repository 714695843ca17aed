"""OpenAPI response documentation with examples (taken from the test fixture's answers)."""

from __future__ import annotations

CTX = "https://cspkg.example/context.jsonld"
ID = "https://w3id.org/cspkg/id/"

PROBLEM_404 = {
    "type": "https://w3id.org/cspkg/problems/not-found",
    "title": "Not Found",
    "status": 404,
    "detail": "no body has the id 'nowhere-csp'",
    "instance": "/bodies/nowhere-csp",
}
PROBLEM_400 = {
    "type": "https://w3id.org/cspkg/problems/invalid-parameter",
    "title": "Bad Request",
    "status": 400,
    "detail": "as_at: Input should be a valid date",
    "errors": [{"parameter": "as_at", "in": "query", "rule": "Input should be a valid date"}],
}
PROBLEM_406 = {
    "type": "https://w3id.org/cspkg/problems/not-acceptable",
    "title": "Not Acceptable",
    "status": 406,
    "detail": "none of the media types in Accept is offered; this view is offered as application/ld+json, ...",
}

BODY = {
    "@context": CTX,
    "id": ID + "body/plymouth-csp",
    "type": ["CommunitySafetyPartnership"],
    "name": "Plymouth Community Safety Partnership",
    "altNames": ["Plymouth CSP", "Safer Plymouth"],
    "identifiers": ["E22000046", "plymouth-csp"],
    "area": "Plymouth",
    "startDate": {"@value": "1998", "@type": "xsd:gYear"},
    "sameAs": [{"id": "http://statistics.data.gov.uk/id/statistical-geography/E22000046"}],
    "accountability": "https://cspkg.example/bodies/plymouth-csp/accountability",
    "members": [
        {
            "id": ID + "membership/plymouth-csp-board-2015-summer/plymouth-city-council--plymouth-csp",
            "type": ["Membership"],
            "member": {"id": ID + "body/plymouth-city-council", "name": "Plymouth City Council"},
            "role": {"id": "https://w3id.org/cspkg/def/role/member", "notation": "member", "label": "Member"},
            "basis": {
                "id": "https://w3id.org/cspkg/def/basis/statutory",
                "notation": "statutory",
                "label": "Statutory",
            },
            "startDate": {"@value": "1998", "@type": "xsd:gYear"},
            "citation": "item 17",
            "derivedFrom": [
                {
                    "id": ID + "source/plymouth-csp-board-2015-summer",
                    "title": "Safer Plymouth Partnership Board, minutes of items 17-28",
                }
            ],
        }
    ],
}
LIST = {
    "@context": CTX,
    "id": "https://cspkg.example/bodies?type=CommunitySafetyPartnership",
    "type": "Collection",
    "totalItems": 1,
    "view": {
        "id": "https://cspkg.example/bodies?type=CommunitySafetyPartnership&page=1",
        "type": "PartialCollectionView",
        "first": "https://cspkg.example/bodies?type=CommunitySafetyPartnership&page=1",
        "last": "https://cspkg.example/bodies?type=CommunitySafetyPartnership&page=1",
    },
    "results": [
        {
            "id": ID + "body/plymouth-csp",
            "type": ["CommunitySafetyPartnership"],
            "name": "Plymouth Community Safety Partnership",
            "area": "Plymouth",
        }
    ],
}
ACCOUNTABILITY = {
    "@context": CTX,
    "id": "https://cspkg.example/bodies/devon-and-cornwall-pcc/accountability",
    "type": "AccountabilityView",
    "subject": {
        "id": ID + "body/devon-and-cornwall-pcc",
        "type": ["PoliceAndCrimeCommissioner"],
        "name": "Police and Crime Commissioner for Devon and Cornwall",
    },
    "heldToAccount": True,
    "upward": [
        {
            "id": ID
            + "link/devon-and-cornwall-pcp-2016-01/devon-and-cornwall-police-and-crime-panel--scrutiny--devon-and-cornwall-pcc",
            "type": ["AccountabilityLink"],
            "holder": {
                "id": ID + "body/devon-and-cornwall-police-and-crime-panel",
                "name": "Devon and Cornwall Police and Crime Panel",
            },
            "held": {
                "id": ID + "body/devon-and-cornwall-pcc",
                "name": "Police and Crime Commissioner for Devon and Cornwall",
            },
            "mechanism": {
                "id": "https://w3id.org/cspkg/def/mechanism/scrutiny",
                "notation": "scrutiny",
                "label": "Scrutiny",
            },
            "status": {
                "id": "https://w3id.org/cspkg/def/status/statutory",
                "notation": "statutory",
                "label": "Statutory",
            },
            "legalBasis": "Police Reform and Social Responsibility Act 2011 s.28",
            "legislation": {"id": "http://www.legislation.gov.uk/id/ukpga/2011/13/section/28"},
            "startDate": {"@value": "2012-11-22", "@type": "xsd:date"},
            "citation": "item 4",
            "derivedFrom": [{"id": ID + "source/devon-and-cornwall-pcp-2016-01"}],
            "depth": 1,
            "followed": True,
        }
    ],
    "downward": [],
}
TURTLE = """@prefix csp: <https://w3id.org/cspkg/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<https://w3id.org/cspkg/id/body/plymouth-csp> a csp:CommunitySafetyPartnership ;
    skos:prefLabel "Plymouth Community Safety Partnership" ;
    csp:area "Plymouth" .
"""
CSV = "id,name,type,area,start,end,part_of,identifiers\r\nhttps://w3id.org/cspkg/id/body/plymouth-csp,Plymouth Community Safety Partnership,CommunitySafetyPartnership,Plymouth,1998,,,E22000046 plymouth-csp\r\n"


def view_responses(example: dict, *, csv: bool = False, not_found: bool = True) -> dict:
    """The documented answers of a view: its representations, 304 and the problem answers."""
    content = {
        "application/ld+json": {"example": example},
        "application/json": {"example": example},
        "text/turtle": {"schema": {"type": "string"}, "example": TURTLE},
        "application/n-triples": {"schema": {"type": "string"}},
        "application/rdf+xml": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
    }
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}, "example": CSV}
    responses: dict = {
        200: {
            "description": "The view; choose the representation with Accept or ?format=",
            "content": content,
        },
        304: {"description": "Not modified: the client's copy (ETag / Last-Modified) is current"},
        400: {
            "description": "A parameter is invalid",
            "content": {"application/problem+json": {"example": PROBLEM_400}},
        },
        406: {
            "description": "No offered representation is acceptable",
            "content": {"application/problem+json": {"example": PROBLEM_406}},
        },
        503: {"description": "The store holds no build", "content": {"application/problem+json": {}}},
    }
    if not_found:
        responses[404] = {
            "description": "No such resource",
            "content": {"application/problem+json": {"example": PROBLEM_404}},
        }
    return responses
