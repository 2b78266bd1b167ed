"""named_classes"""
