"""Helpers shared by the R&D reporting views. Who may do what is asked of ``keguan.core.permissions``
(``rd.view``, ``rd.write``, ``rd.export``, ``rd.import``)."""

from __future__ import annotations


def errors_text(form) -> str:
    """A form's errors as one Chinese sentence, for a message on the page the form came from."""
    parts = [" ".join(v) for k, v in form.errors.items() if k == "__all__"]
    parts += [f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items() if k in form.fields]
    return "；".join(parts)
