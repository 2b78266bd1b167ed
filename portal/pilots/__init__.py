"""Pilots the administration designates: pilot partnerships and pilot enterprises, objections, evidence."""
