"""The bot's features, one package (or module) each."""
