"""User text: the characters that XML 1.0 and HTML forbid are dropped, in this one place.

Every form that takes text from people (reviews, reports, hide reasons, sign-up) and every
service that saves it goes through `clean_text`, so no stored row can break a feed (XML 1.0
cannot carry them) or a page (HTML parsers report them).
"""

import re

from django.http import QueryDict

# C0 controls except tab, newline and return; DEL and the C1 controls; lone surrogates; the
# noncharacters U+FDD0–U+FDEF and the last two code points of every plane.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)


def clean_text(text: str) -> str:
    """The text without the characters XML 1.0 and HTML forbid."""
    return FORBIDDEN.sub("", text)


class CleanTextMixin:
    """A form whose text input is cleaned before any field sees it (`text_fields`: all if None)."""

    text_fields: tuple[str, ...] | None = None

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = self._cleaned(data)
        super().__init__(data, *args, **kwargs)

    def _cleaned(self, data):
        cleaned = QueryDict(mutable=True)
        for key, values in data.lists() if hasattr(data, "lists") else data.items():
            values = values if isinstance(values, list) else [values]
            if self.text_fields is None or key in self.text_fields:
                values = [clean_text(v) if isinstance(v, str) else v for v in values]
            cleaned.setlist(key, values)
        return cleaned
