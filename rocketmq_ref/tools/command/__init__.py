"""The ``mqadmin`` sub-commands, one module per Java command package (book A2.4)."""
