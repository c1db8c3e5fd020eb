"""Send reports: data, table formats (CSV, XLSX) and the export entry point."""
