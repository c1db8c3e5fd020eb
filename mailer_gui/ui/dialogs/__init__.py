"""Settings, import and export dialogs."""
