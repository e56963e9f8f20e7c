"""One reading of a drawing or photo, as every page shows it: read it, say it in a line, show the bars.

``read`` is the one path from pixels to an answer on a page: preprocessing (which may already
say "not a digit" for ink scattered like text), then the Predictor (whose gate may say it).
"""

import dataclasses

import numpy as np
import streamlit as st
from PIL import Image
from streamlit.delta_generator import DeltaGenerator

from model.language import _
from model.recognition.predictor import Prediction, Predictor
from model.recognition.preprocess import preprocess
from model.recognition.refusal import NoDigitError, Refusal

ANSWER_BLUE, OTHER_BARS = "#1f6feb", "#b8c4d6"


@dataclasses.dataclass(frozen=True)
class Reading:
    image: np.ndarray | None = None  # the 28x28 the network saw
    prediction: Prediction | None = None
    refusal: Refusal | None = None  # why the ink is no digit (preprocessing's or the gate's)

    @property
    def is_empty(self) -> bool:
        """Nothing to read: no drawing yet, or no ink."""
        return self.image is None and self.refusal is None


def read(predictor: Predictor | None, source: Image.Image | np.ndarray | None) -> Reading:
    """The Reading of a drawing (RGBA array) or photo (PIL image); empty without a source."""
    if source is None or predictor is None:
        return Reading()
    try:
        image = preprocess(source)
    except NoDigitError as error:
        # No ink at all is no reading; ink scattered like text is a refusal to show.
        return Reading(refusal=error.refusal) if error.refusal.kind.holds_ink else Reading()
    prediction = predictor.predict(image)
    return Reading(image, prediction, prediction.refusal)


def show_answer_line(place: DeltaGenerator, reading: Reading) -> None:
    """A compact answer directly under the canvas: on a phone the metric is below the fold."""
    if reading.refusal is not None:
        place.markdown("#### :material/block: " + _("Not a digit"))
        return
    prediction = reading.prediction
    if prediction is None:  # a reading that is not refused and not empty has a prediction
        raise ValueError("an empty reading has no answer line")
    doubt = _(" (or {digit}?)").format(digit=with_article(prediction.runner_up)) if prediction.is_uncertain else ""
    place.markdown(f"#### :material/neurology: {prediction.digit}{doubt} · {how_sure(prediction)}")


def how_sure(prediction: Prediction) -> str:
    """What is said beside a reading: "N% sure", or for a doubted one "may not be a digit" in its
    place, since how sure the network is of which digit would read as how sure it is one."""
    if prediction.doubted:
        return _("may not be a digit")
    return _("{confidence:.0%} sure").format(confidence=prediction.confidence)


def probability_bars(
    probabilities: np.ndarray,
    digit: int,
    height: int = 220,
    label_size: int = 16,
    palette: dict[str, str] | None = None,
) -> None:
    """All ten probabilities as bars, the answer highlighted; ``palette`` (background, text,
    muted, bar colours) for the projector's rooms, else Streamlit's theme.

    A Vega-Lite spec as a plain dict: Altair would validate its whole schema on every stroke,
    which was the largest cost of a stroke after the model's own work (py-spy).
    """
    values = [{"digit": str(d), "probability": float(p), "answer": d == digit} for d, p in enumerate(probabilities)]
    spec = {
        "data": {"values": values},
        "mark": {"type": "bar"},
        "height": height,
        "encoding": {
            "tooltip": [
                {"field": "digit", "type": "nominal", "title": _("digit")},
                {"field": "probability", "type": "quantitative", "title": _("probability"), "format": ".1%"},
            ],
            "x": {
                "field": "digit",
                "type": "nominal",
                "axis": {"labelAngle": 0, "labelFontSize": label_size, "title": None},
            },
            "y": {
                "field": "probability",
                "type": "quantitative",
                "scale": {"domain": [0, 1]},
                "axis": {"format": "%", "title": None, "labelFontSize": max(11, label_size * 0.6), "tickCount": 4},
            },
            "color": {
                "condition": {"test": "datum.answer", "value": ANSWER_BLUE},
                "value": palette["bar"] if palette else OTHER_BARS,
            },
        },
    }
    if palette:
        spec["background"] = palette["background"]
        spec["config"] = {
            "view": {"stroke": None},
            "axis": {"labelColor": palette["text"], "gridColor": palette["bar"], "domainColor": palette["muted"]},
        }
    st.vega_lite_chart(spec=spec, width="stretch", theme=None if palette else "streamlit")


def with_article(digit: int) -> str:
    """ "a 7", "an 8": the article English gives a digit read aloud (Chinese gives none)."""
    return (_("an {digit}") if digit == 8 else _("a {digit}")).format(digit=digit)
