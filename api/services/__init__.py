"""The SPARQL endpoint's logic: protocol, policy, negotiation, service description."""
