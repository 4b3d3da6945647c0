"""The site: addresses, pages, diagrams, and checks of what is generated from the records."""
