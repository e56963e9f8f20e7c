"""Canvas drawing -> digit latency, in process: ``python -m bench.latency [--json]``.

Preprocessing plus prediction for >= 500 varied 280x280 RGBA drawings after a warm-up, against
Keras' ``model.predict`` on the same preprocessed inputs, in the same run. Also
``Predictor.predict`` with both checks against the gate alone (no familiarity check), the two
alternated drawing by drawing so both see the same machine.
"""

import argparse
import time

import numpy as np

from bench.common import percentile_ms, print_json, print_table
from model.recognition.predictor import Predictor
from model.recognition.preprocess import preprocess
from tests.support.drawings import draw_digit


def varied_drawings(count, seed=0):
    rng = np.random.default_rng(seed)
    drawings = []
    for index in range(count):
        size = int(rng.integers(60, 260))
        drawings.append(
            draw_digit(
                index % 10,
                left=int(rng.integers(5, 280 - size)),
                top=int(rng.integers(5, 280 - size)),
                size=size,
                stroke_width=int(rng.integers(6, 36)),
                background=(0, 0, 0) if index % 2 else None,
            )
        )
    return drawings


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--baseline-count", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()

    predictor = Predictor.with_checks().warm_up()
    drawings = varied_drawings(arguments.count)
    for drawing in drawings[:30]:  # warm-up: first calls trace and allocate
        predictor.predict(preprocess(drawing))

    ours, preprocess_only, images = [], [], []
    for drawing in drawings:
        started = time.perf_counter()
        image = preprocess(drawing)
        preprocessed = time.perf_counter()
        predictor.predict(image)
        finished = time.perf_counter()
        ours.append(finished - started)
        preprocess_only.append(preprocessed - started)
        images.append(image)

    baseline = []
    predictor.model.predict(images[0][None, :, :, None], verbose=0)
    for image in images[: arguments.baseline_count]:
        started = time.perf_counter()
        predictor.model.predict(image[None, :, :, None], verbose=0)
        baseline.append(time.perf_counter() - started)

    gate_alone = Predictor(predictor.model, gate=predictor.gate).warm_up()
    both_checks, gate_only = [], []
    for image in images:
        for reader, times in ((predictor, both_checks), (gate_alone, gate_only)):
            started = time.perf_counter()
            reader.predict(image)
            times.append(time.perf_counter() - started)

    result = {
        "predict_with_familiarity_p50_ms": percentile_ms(both_checks, 50),
        "predict_gate_alone_p50_ms": percentile_ms(gate_only, 50),
        "p50_ms": percentile_ms(ours, 50),
        "p99_ms": percentile_ms(ours, 99),
        "preprocess_p50_ms": percentile_ms(preprocess_only, 50),
        "baseline_predict_p50_ms": percentile_ms(baseline, 50),
        "drawings": len(ours),
    }
    if arguments.json:
        print_json(result)
        return
    print_table(
        f"Drawing -> digit latency over {len(ours)} drawings (baseline over {len(baseline)})",
        ["path", "p50 ms", "p99 ms"],
        [
            ["preprocess + Predictor.predict", f"{result['p50_ms']:.2f}", f"{result['p99_ms']:.2f}"],
            [
                "  of which preprocess",
                f"{result['preprocess_p50_ms']:.2f}",
                f"{percentile_ms(preprocess_only, 99):.2f}",
            ],
            [
                "model.predict alone (baseline)",
                f"{result['baseline_predict_p50_ms']:.2f}",
                f"{percentile_ms(baseline, 99):.2f}",
            ],
        ],
    )
    print(f"ratio baseline / ours (p50): {result['baseline_predict_p50_ms'] / result['p50_ms']:.1f}x")
    with_both, gate_only_p50 = result["predict_with_familiarity_p50_ms"], result["predict_gate_alone_p50_ms"]
    print(
        f"Predictor.predict alternated over {len(images)} drawings, p50: with the familiarity check "
        f"{with_both:.2f} ms, the gate alone {gate_only_p50:.2f} ms ({with_both / gate_only_p50:.2f}x)"
    )


if __name__ == "__main__":
    main()
