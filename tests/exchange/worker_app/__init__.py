"""An app for the worker test's processes: registers the test kinds when Django starts."""
