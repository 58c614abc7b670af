"""Every calculator of the portal: a package with the same parts (``inputs``, ``engine``,
``report``, ``charts``), or one module for a small one (``present_value``); each one's
``CALCULATOR`` is listed in the catalogue (:mod:`portal_tools.registry`). Importing this package
registers nothing."""
