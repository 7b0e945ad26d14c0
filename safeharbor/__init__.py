"""Safe Harbor (平安港湾): a grassroots social-governance platform."""

__version__ = "0.1.0"
