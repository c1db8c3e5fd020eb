"""Qt widgets, models and the worker thread; imports core, never the reverse."""
