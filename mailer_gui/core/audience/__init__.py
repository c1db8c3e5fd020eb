"""Who receives: address rules, tabular import, mapping, contacts, suppression."""
