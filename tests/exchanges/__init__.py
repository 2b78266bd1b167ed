"""exchanges"""
