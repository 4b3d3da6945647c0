"""Tools for contributors: scaffolding, issue forms and pull-request summaries."""
