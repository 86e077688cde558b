"""The front doors of mailrep: the REST application and the `mailrep` command line."""
