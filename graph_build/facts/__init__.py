"""Fact files: YAML documents that record what one source document says."""
