"""Every calculator of the portal, one module each; each module's ``CALCULATOR`` is listed in
the catalogue (:mod:`portal_tools.registry`). Importing this package registers nothing."""
