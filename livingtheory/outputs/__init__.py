"""Outputs: citations and files for other programs, made from the records."""
