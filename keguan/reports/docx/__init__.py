"""The work summary in Word: ``render_docx(draft)`` fills a docxtpl template (the bureau's upload or the
GB/T 9704 default built by ``make_default.py``); ``check_template`` vets an upload."""

from .render import (
    CONTEXT_KEYS,
    TemplateProblem,
    check_template,
    context_for,
    default_template,
    render_docx,
    sample_draft,
    save_docx,
)

__all__ = [
    "CONTEXT_KEYS",
    "TemplateProblem",
    "check_template",
    "context_for",
    "default_template",
    "render_docx",
    "sample_draft",
    "save_docx",
]
