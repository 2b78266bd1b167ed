"""partnerships"""
