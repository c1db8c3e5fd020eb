"""Demo mode (a local mail catcher) and the screenshot tool."""
