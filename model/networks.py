"""The architectures: our CNN, the tutorial CNN, the tutorial MLP and Nielsen's sigmoid network.

Every network takes the same input, a batch of 28x28x1 float32 images in [0, 1] (white ink on
black, as ``preprocess`` makes them), and outputs ten probabilities. Each ``Network`` bundles
its architecture with the training settings of the tutorial it comes from, so that
``training.train`` has one path for all of them.
"""

import collections
import dataclasses

import keras
from keras import layers

INPUT_SHAPE = (28, 28, 1)


@dataclasses.dataclass(frozen=True)
class Network:
    name: str
    description: str
    build: callable  # () -> uncompiled keras.Model
    make_optimizer: callable  # (learning_rate, total_steps) -> keras optimizer
    loss: object
    learning_rate: float
    batch_size: int
    epochs: int
    augment: bool  # whether augmentation is on by default


class LayerNames:
    """Explicit, unique layer names for one model.

    Streamlit calls ``keras.backend.clear_session()`` after every script run, which resets
    Keras' automatic layer naming in every thread: a model being built in a training thread
    at that moment could get two layers named "dense" and fail to build.
    """

    def __init__(self):
        self.counts = collections.Counter()

    def __call__(self, kind):
        self.counts[kind] += 1
        return f"{kind}_{self.counts[kind]}"


def build_cnn():
    """Our CNN: two VGG-style blocks with batch normalisation, then a 3x3 block and global pooling.

    About 140k parameters, so it is fast on a CPU; with augmentation it reaches >= 99.6 %.
    Batch-norm momentum 0.9 (Keras' default is 0.99) lets the statistics settle within the few
    hundred steps of a live training demo.
    """
    name = LayerNames()
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = inputs
    for filters in (32, 64):
        for _ in range(2):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name("conv"))(x)
            x = layers.BatchNormalization(momentum=0.9, name=name("batch_norm"))(x)
            x = layers.ReLU(name=name("relu"))(x)
        x = layers.MaxPooling2D(name=name("pool"))(x)
        x = layers.Dropout(0.1, name=name("dropout"))(x)
    x = layers.Conv2D(128, 3, use_bias=False, name=name("conv"))(x)  # 7x7 -> 5x5
    x = layers.BatchNormalization(momentum=0.9, name=name("batch_norm"))(x)
    x = layers.ReLU(name=name("relu"))(x)
    x = layers.GlobalAveragePooling2D(name=name("global_pool"))(x)
    x = layers.Dropout(0.3, name=name("dropout"))(x)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="cnn")


def build_quick_cnn():
    """A CNN for live training demos: about 95k parameters on small feature maps, so one epoch
    over all 60,000 images takes seconds on a laptop CPU and already reaches 99 %."""
    name = LayerNames()
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = inputs
    for filters in (32, 64, 128):
        x = layers.Conv2D(filters, 3, use_bias=False, name=name("conv"))(x)
        x = layers.BatchNormalization(momentum=0.9, name=name("batch_norm"))(x)
        x = layers.ReLU(name=name("relu"))(x)
        if filters < 128:
            x = layers.MaxPooling2D(name=name("pool"))(x)
    x = layers.GlobalAveragePooling2D(name=name("global_pool"))(x)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="quick_cnn")


def build_tutorial_cnn():
    """The TensorFlow tutorial's CNN: Conv2D 28 3x3, MaxPool, Flatten, Dense 128, Dropout 0.2."""
    name = LayerNames()
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="image"),
            layers.Conv2D(28, 3, name=name("conv")),
            layers.MaxPooling2D(name=name("pool")),
            layers.Flatten(name=name("flatten")),
            layers.Dense(128, activation="relu", name=name("dense")),
            layers.Dropout(0.2, name=name("dropout")),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="tutorial_cnn",
    )


def build_keras_io_cnn():
    """The keras-io ``mnist_convnet`` example, the reference in the training-speed benchmark."""
    name = LayerNames()
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="image"),
            layers.Conv2D(32, 3, activation="relu", name=name("conv")),
            layers.MaxPooling2D(name=name("pool")),
            layers.Conv2D(64, 3, activation="relu", name=name("conv")),
            layers.MaxPooling2D(name=name("pool")),
            layers.Flatten(name=name("flatten")),
            layers.Dropout(0.5, name=name("dropout")),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="keras_io_cnn",
    )


def build_mlp():
    """The Keras MLP tutorial: Dense 512 relu, Dropout 0.2, Dense 512 relu, Dropout 0.2, Dense 10."""
    name = LayerNames()
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="image"),
            layers.Flatten(name=name("flatten")),
            layers.Dense(512, activation="relu", name=name("dense")),
            layers.Dropout(0.2, name=name("dropout")),
            layers.Dense(512, activation="relu", name=name("dense")),
            layers.Dropout(0.2, name=name("dropout")),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="mlp",
    )


def build_sigmoid_network():
    """Nielsen's network [784, 30, 10]: sigmoid units, weights and biases drawn from N(0, 1).

    Keras computes whole mini-batches as matrices, which is the vectorised form of the
    tutorial's per-sample backpropagation.
    """
    name = LayerNames()
    gaussian = keras.initializers.RandomNormal(mean=0.0, stddev=1.0)
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="image"),
            layers.Flatten(name=name("flatten")),
            layers.Dense(30, activation="sigmoid", kernel_initializer=gaussian, bias_initializer=gaussian, name=name("dense")),
            layers.Dense(
                10,
                activation="sigmoid",
                kernel_initializer=gaussian,
                bias_initializer=gaussian,
                name="probabilities",
            ),
        ],
        name="sigmoid",
    )


@keras.saving.register_keras_serializable(package="digits")
def quadratic_cost(labels, outputs):
    """Nielsen's cost: 1/2 ||y - a||^2 per image with y one-hot, averaged over the mini-batch.

    Keras' "mse" would average over the ten outputs too, which divides the gradient by 5 and
    makes the tutorial's learning rate of 3.0 mean something else.
    """
    one_hot = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(labels, (-1,)), "int32"), 10)
    return 0.5 * keras.ops.sum(keras.ops.square(one_hot - outputs), axis=-1)


def _adam_with_cosine_decay(learning_rate, total_steps):
    # A short warm-up then cosine decay: the quickest schedule we measured to reach 99 % and
    # the one that takes the CNN past 99.6 %.
    warmup_steps = max(1, total_steps // 20)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=learning_rate / 10,
        decay_steps=max(1, total_steps - warmup_steps),
        warmup_target=learning_rate,
        warmup_steps=warmup_steps,
        alpha=0.01,
    )
    return keras.optimizers.Adam(schedule)


NETWORKS = {
    "cnn": Network(
        name="cnn",
        description="Our CNN (batch norm, global pooling, augmentation) - the shipped model",
        build=build_cnn,
        make_optimizer=_adam_with_cosine_decay,
        loss="sparse_categorical_crossentropy",
        learning_rate=3e-3,
        batch_size=128,
        epochs=30,
        augment=True,
    ),
    "quick_cnn": Network(
        name="quick_cnn",
        description="Quick CNN for live demos: 99 % after one epoch",
        build=build_quick_cnn,
        make_optimizer=_adam_with_cosine_decay,
        loss="sparse_categorical_crossentropy",
        learning_rate=1e-2,
        batch_size=128,
        epochs=1,
        augment=False,
    ),
    "mlp": Network(
        name="mlp",
        description="Keras tutorial MLP 512-512 with dropout, RMSprop",
        build=build_mlp,
        make_optimizer=lambda learning_rate, total_steps: keras.optimizers.RMSprop(learning_rate),
        # Sparse categorical cross-entropy is categorical cross-entropy with integer labels.
        loss="sparse_categorical_crossentropy",
        learning_rate=1e-3,
        batch_size=128,
        epochs=20,
        augment=False,
    ),
    "sigmoid": Network(
        name="sigmoid",
        description="Nielsen's [784, 30, 10] sigmoid network, quadratic cost, plain SGD",
        build=build_sigmoid_network,
        make_optimizer=lambda learning_rate, total_steps: keras.optimizers.SGD(learning_rate),
        loss=quadratic_cost,
        learning_rate=3.0,
        batch_size=10,
        epochs=30,
        augment=False,
    ),
    "tutorial_cnn": Network(
        name="tutorial_cnn",
        description="TensorFlow tutorial CNN (Conv2D 28, Dense 128), Adam",
        build=build_tutorial_cnn,
        make_optimizer=lambda learning_rate, total_steps: keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        learning_rate=1e-3,
        batch_size=32,
        epochs=10,
        augment=False,
    ),
    "keras_io_cnn": Network(
        name="keras_io_cnn",
        description="keras-io mnist_convnet example, Adam",
        build=build_keras_io_cnn,
        make_optimizer=lambda learning_rate, total_steps: keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        learning_rate=1e-3,
        batch_size=128,
        epochs=15,
        augment=False,
    ),
}

# The networks a person chooses between on the Train page, which starts on the first: a live
# demo should finish in seconds. The shipped CNN's design is there too, for the patient.
USER_ARCHITECTURES = ("quick_cnn", "cnn", "mlp", "sigmoid")

# The Train page's starting settings: a live demo finishes in well under a minute on a laptop
# CPU. The rest of each recipe (batch size, learning rate, augmentation) is the network's own.
LIVE_DEMO_SETTINGS = {
    "quick_cnn": {"epochs": 1, "train_size": 60_000},
    "cnn": {"epochs": 3, "train_size": 10_000},
    "mlp": {"epochs": 5, "train_size": 20_000},
    "sigmoid": {"epochs": 5, "train_size": 20_000},
}


def live_demo_settings(architecture, training_images):
    """Epochs and training-set size the Train page starts with for ``training_images`` available.

    A run needs a few hundred steps before batch normalisation's running statistics are
    usable: one epoch of the quick CNN is enough on 60,000 images (469 steps) but not on the
    5,000-image bundled sample (40 steps: 15 % on the test set), so small sets get more epochs.
    """
    network, demo = NETWORKS[architecture], LIVE_DEMO_SETTINGS[architecture]
    train_size = min(demo["train_size"], training_images)
    steps_per_epoch = -(-train_size // network.batch_size)
    epochs = max(demo["epochs"], min(10, -(-300 // steps_per_epoch)))
    return {"epochs": epochs, "train_size": train_size}


def train_page_default_recipe(training_images=60_000):
    """(architecture, train options) the Train page starts with: the training-speed benchmark's "ours"."""
    architecture = USER_ARCHITECTURES[0]
    network = NETWORKS[architecture]
    options = dict(batch_size=network.batch_size, learning_rate=network.learning_rate, augment=network.augment)
    return architecture, {**options, **live_demo_settings(architecture, training_images)}


def get_network(name):
    if name not in NETWORKS:
        raise ValueError(f"Unknown architecture {name!r}: choose one of {', '.join(NETWORKS)}.")
    return NETWORKS[name]
