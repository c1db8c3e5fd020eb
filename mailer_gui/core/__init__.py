"""Qt-free core: storage, limits, queue, composing, SMTP, the engine step."""
