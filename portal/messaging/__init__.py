"""Messaging (issue 30): phone numbers and SMS codes, channels, outgoing messages and providers.

The package imports nothing: `portal.messaging.wiring.init_app` is what the app factory calls."""
