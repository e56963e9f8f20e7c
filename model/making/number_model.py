"""Making the number model (``model/recognition/number_reader.py`` reads with it): a network
trained with the CTC loss on lines of MNIST digits written apart and into each other
(``synthetic/number_lines.py``)."""

from typing import Any

import keras
import numpy as np

from model.data import MnistData
from model.making.synthetic.number_lines import MAX_DIGITS, TRAINING_WIDTH, make_lines, not_digit_images
from model.recognition.number_reader import LINE_HEIGHT, NumberModel

VALIDATION_DIGITS = 5_000  # the last training digits: lines made of them measure the model, never teach it


def build_number_model() -> Any:
    from keras import layers

    inputs = keras.Input(shape=(LINE_HEIGHT, None, 1), name="line")
    x = inputs
    for filters, pool in ((24, (2, 2)), (48, (2, 2)), (64, (2, 1)), (96, (2, 1))):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.9)(x)
        x = layers.ReLU()(x)
        x = layers.MaxPooling2D(pool)(x)
    # (2, width / 4, 96) -> one feature vector per step along the width
    x = layers.Permute((2, 1, 3))(x)
    x = layers.Reshape((-1, 2 * 96))(x)
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dropout(0.2)(x)
    x = layers.Bidirectional(layers.GRU(96, return_sequences=True))(x)
    outputs = layers.Dense(11, name="scores")(x)  # logits, as the CTC loss wants them
    return keras.Model(inputs, outputs, name="number_model")


def train_number_model(
    data: MnistData, lines: int = 150_000, epochs: int = 6, batch_size: int = 64, seed: int = 0, verbose: int = 1
) -> tuple[Any, dict[str, Any]]:
    """The number model and its card. Lines are made of MNIST's training digits except the last
    VALIDATION_DIGITS, plus 1s and 7s in other styles, and a tenth of them of things that are not
    digits (``negatives.py``'s training kinds); lines of those last digits are the check."""
    from model.making.augment import written_styles

    held_out = min(VALIDATION_DIGITS, len(data.x_train) // 10)  # the bundled sample has 5,000 in all
    pool_images, pool_labels = data.x_train[:-held_out], data.y_train[:-held_out]
    styled_images, styled_labels = written_styles(pool_images, pool_labels, len(pool_images) // 20, seed=seed)
    pool_images = np.concatenate([pool_images, styled_images])
    pool_labels = np.concatenate([pool_labels, styled_labels])
    not_digits = not_digit_images(max(500, lines // 20), seed=seed)
    x_train, y_train = make_lines(pool_images, pool_labels, lines, seed=seed, not_digits=not_digits)
    x_check, y_check = make_lines(data.x_train[-held_out:], data.y_train[-held_out:], 3_000, seed=seed + 1)

    keras.utils.set_random_seed(seed)
    model = build_number_model()
    batches = _BatchesOfLikeWidth(x_train, y_train, batch_size, seed)
    steps = epochs * len(batches)
    schedule = keras.optimizers.schedules.CosineDecay(0.0, steps, warmup_target=2e-3, warmup_steps=steps // 20)
    model.compile(optimizer=keras.optimizers.Adam(schedule, clipnorm=5.0), loss=keras.losses.CTC())
    model.fit(batches, epochs=epochs, verbose=verbose)
    reader = NumberModel(model)
    check_lines = [line.astype(np.float32) / 255 for line in x_check]
    read = reader.read_lines(check_lines)
    truths = [[int(label) - 1 for label in target if label] for target in y_check]
    accuracy = float(
        np.mean([[digit.digit for digit in digits] == truth for digits, truth in zip(read, truths, strict=False)])
    )
    card = {
        "architecture": "number_model",
        "parameters": int(model.count_params()),
        "lines_trained_on": lines,
        "not_digit_images": len(not_digits),
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed,
        "check_lines": len(check_lines),
        "check_lines_read": accuracy,
        "note": f"lines of 1-{MAX_DIGITS} MNIST training digits (number_lines.make_lines); the check lines use the "
        f"last {held_out} training digits, never trained on",
    }
    return model, card


class _BatchesOfLikeWidth(keras.utils.PyDataset):
    """Lines grouped by width (to the next 32 columns), so short lines are not padded to the
    widest: most lines are a third of TRAINING_WIDTH, and the work grows with the width."""

    def __init__(self, lines, targets, batch_size, seed):
        super().__init__()
        self.lines, self.targets, self.rng = lines, targets, np.random.default_rng(seed)
        widths = np.array([np.nonzero(line.any(axis=0))[0].max() + 1 for line in lines])
        widths = np.minimum(np.ceil((widths + 2) / 32).astype(int) * 32, TRAINING_WIDTH)
        self.batches = []
        for width in np.unique(widths):
            members = np.nonzero(widths == width)[0]
            self.batches += [
                (width, members[start : start + batch_size]) for start in range(0, len(members), batch_size)
            ]
        self.on_epoch_end()

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        width, members = self.batches[index]
        return self.lines[members, :, :width, None].astype(np.float32) / 255, self.targets[members]

    def on_epoch_end(self):
        self.rng.shuffle(self.batches)
