"""Mirror of the Java ``common`` module: message model, constants, config classes, services, tracing."""
