"""apprenticeships"""
