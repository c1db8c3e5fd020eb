"""The main window, its actions and dialogs, the app start-up."""
