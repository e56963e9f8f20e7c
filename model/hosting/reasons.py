"""Why a training run failed: words made where no one's language is known, said where it is.

The training queue's dispatcher thread and the training child process serve no browser session,
so ``_()`` there gives English. A ``Reason`` is that English text (a ``str``: the log and the
tests read it as it is) which also keeps its msgid and fields, so that the page says it again in
its own language with ``said()``. It pickles: the child sends it to the server.
"""

from typing import Any

from model.language import _


class Reason(str):
    """English words for a page, kept with their msgid (mark it with ``N_``) and named fields."""

    msgid: str
    fields: dict[str, Any]

    def __new__(cls, msgid: str, **fields: Any) -> "Reason":
        reason = super().__new__(cls, msgid.format(**fields) if fields else msgid)
        reason.msgid, reason.fields = msgid, fields
        return reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (_reason, (self.msgid, self.fields))

    def translated(self) -> str:
        """These words in the active language."""
        return _(self.msgid).format(**self.fields) if self.fields else _(self.msgid)


def _reason(msgid: str, fields: dict[str, Any]) -> Reason:
    return Reason(msgid, **fields)


def said(text: str | None) -> str | None:
    """``text`` in the active language: a Reason in its own words; any other text as the
    catalogue has it (a ValueError's constant sentence, say), else as it is."""
    if isinstance(text, Reason):
        return text.translated()
    return _(text) if text else text
