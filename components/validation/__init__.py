"""The stack-config rules that need the catalogue or several keys at once.

Each module checks one subject and raises ConfigError naming the user's key; `stack_config.py`
decides the order (the most fundamental problem first: offer and data class before custody).
"""
