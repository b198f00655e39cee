"""Hearth's features, one package each; every package's ``setup()`` loads it as an extension."""
