"""Accounts: users, roles, sessions, passwords, registration and sign-in (the `/auth` blueprint)."""
