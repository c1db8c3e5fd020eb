"""Qt helpers that both front ends use: the PDF report writer (it registers the
"pdf" format into ``core.reports.export``) and the system's UI language. They
import the core and Qt, never the window (``ui``) or the command line (``cli``)."""
