"""Why an image gets no digit: a value the pages show and the command line prints as it is.

Three kinds, because a visitor is told different things: nothing was drawn (``NO_INK``: the page
stays quiet), ink scattered like text or a texture (``SCATTERED_MARKS``), and ink the gate judged
not to be a digit (``GATE``). The number reader adds ``NO_NUMBER_READER`` when its model is missing.
"""

import dataclasses
import enum

from model.language import N_, _


class RefusalKind(enum.Enum):
    NO_INK = "no ink"
    SCATTERED_MARKS = "scattered marks"
    GATE = "gate"
    NO_NUMBER_READER = "no number reader"

    @property
    def heading(self) -> str:
        """The words a refusal of this kind starts with, as the command line prints them."""
        if self is RefusalKind.NO_INK:
            return "no digit"
        if self is RefusalKind.NO_NUMBER_READER:
            return "numbers cannot be read"
        return "not a digit"

    @property
    def holds_ink(self) -> bool:
        """Something was drawn: the page says why it is no digit rather than stay quiet."""
        return self in (RefusalKind.SCATTERED_MARKS, RefusalKind.GATE)


@dataclasses.dataclass(frozen=True)
class Refusal:
    kind: RefusalKind
    message: str  # one sentence in English, no heading: "the image holds no ink"; ``{count}`` for count
    count: int | None = None

    @property
    def detail(self) -> str:
        """The message in the active language (refusals are made once, read in many languages)."""
        return _(self.message).format(count=self.count)

    def __str__(self) -> str:
        return f"{self.kind.heading}: {self.detail}"


NO_INK = Refusal(RefusalKind.NO_INK, N_("the image holds no ink"))
TOO_FAINT = Refusal(RefusalKind.NO_INK, N_("the ink is too faint"))
EMPTY_IMAGE = Refusal(RefusalKind.NO_INK, N_("the image is empty (0 pixels)"))
GATE_REFUSAL = Refusal(RefusalKind.GATE, N_("it is unlike every handwritten digit the network learned from"))
# The familiarity check (familiarity.py) says it: what the network made of it lies far from every digit's.
UNFAMILIAR_REFUSAL = Refusal(RefusalKind.GATE, N_("what the network sees in it lies far from every digit it learned"))
NO_NUMBER_READER = Refusal(RefusalKind.NO_NUMBER_READER, N_("the number model file is missing"))


def scattered_marks(count: int) -> Refusal:
    return Refusal(
        RefusalKind.SCATTERED_MARKS, N_("{count} separate marks with none standing out, like text or a texture"), count
    )


class NoDigitError(ValueError):
    """Raised by preprocessing when an image holds no digit to read; ``.refusal`` says why."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal
