"""Notifications: in-app and by e-mail, in the reader's language; the notification centre."""
