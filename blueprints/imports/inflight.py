"""Cases in progress from the system being replaced: `import inflight` and its upload page (being written)."""
