"""Protocol constants and headers of the ``common`` module (Java ``common/protocol``; book A4.3.2):
``RequestCode``, ``ResponseCode``, the custom headers in ``header/`` (bodies in ``body/``)."""
