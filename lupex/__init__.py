"""lupex: lunar south-pole mission simulator (Chandrayaan-5 / LUPEX)."""
__version__ = "0.1.0"
