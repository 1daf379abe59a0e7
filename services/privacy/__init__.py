"""The data protection officer's view: the logs of medical reads and refused attempts, and subject access exports."""
