"""The domain engine: pure Python, no Flask, no database calls, no clock (today is a parameter)."""
