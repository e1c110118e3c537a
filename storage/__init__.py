"""Storage: the schema, the migrations and every query the bot makes."""
