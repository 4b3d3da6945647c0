"""How the theory is addressed and written on the web: page addresses, record text encoded for
pages, a record's name in a link. The stage the site and the outputs both stand on."""
