"""Records: read, validate and model the theory, with its lifecycle and released editions.

Nothing here imports the site or the outputs: they are made from what this stage checks."""
