"""The application: configuration, CLI, the aiohttp app, channel adapters, the delivery worker
and the staff dashboard. The only package that knows about HTTP and chat platforms."""
