"""Helpers the server entry points share (Java module ``srvutil``)."""
