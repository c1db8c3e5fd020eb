"""Report writers that need Qt (PDF)."""
