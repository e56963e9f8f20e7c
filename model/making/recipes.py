"""How each network is trained: its tutorial's recipe, and where the Train page starts.

A ``Recipe`` bundles a network builder with the settings of the tutorial it comes from
(optimizer, loss, learning rate, batch size, epochs, augmentation), so ``training.train`` has
one path for all of them. The Train page's menu and starting settings are here too, so the page
and the training-speed benchmark read the same ones.

Nothing here imports TensorFlow until a model is built: the command line checks its arguments
and the Train page draws its menu without paying the ~2.5 s import.
"""

import dataclasses

from model.language import N_


@dataclasses.dataclass(frozen=True)
class Recipe:
    architecture: str
    # Both in English, marked for the catalogue: shown with _() (a card and a model's label keep English).
    title: str  # what people call it: the Train page's result, the sidebar's model picker
    description: str
    builder: str  # the function in model/making/networks.py that builds the uncompiled model
    optimizer: str  # a key of _OPTIMIZERS
    loss: str  # a Keras loss name, or "quadratic_cost" (Nielsen's, in model/losses.py)
    learning_rate: float
    batch_size: int
    epochs: int
    augment: bool  # whether augmentation is on by default

    def build(self):
        from model.making import networks

        return getattr(networks, self.builder)()

    def make_optimizer(self, learning_rate, total_steps):
        return _OPTIMIZERS[self.optimizer](learning_rate, total_steps)

    def make_loss(self):
        from model import losses

        return losses.quadratic_cost if self.loss == "quadratic_cost" else self.loss


def _adam_with_cosine_decay(learning_rate, total_steps):
    import keras

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


def _plain(name):
    def make(learning_rate, total_steps):
        import keras

        return getattr(keras.optimizers, name)(learning_rate)

    return make


_OPTIMIZERS = {
    "adam with warm-up and cosine decay": _adam_with_cosine_decay,
    "adam": _plain("Adam"),
    "rmsprop": _plain("RMSprop"),
    "sgd": _plain("SGD"),
}


# Sparse categorical cross-entropy is categorical cross-entropy with integer labels.
_CROSS_ENTROPY = "sparse_categorical_crossentropy"

RECIPES = {
    recipe.architecture: recipe
    for recipe in (
        Recipe(
            architecture="cnn",
            title=N_("Our CNN"),
            description=N_("Our CNN (batch norm, global pooling, augmentation) - one of the shipped model's two"),
            builder="build_cnn",
            optimizer="adam with warm-up and cosine decay",
            loss=_CROSS_ENTROPY,
            learning_rate=3e-3,
            batch_size=128,
            epochs=30,
            augment=True,
        ),
        Recipe(
            architecture="strided_cnn",
            title=N_("Strided CNN"),
            description=N_("Strided CNN after Chris Deotte's Kaggle study - the other of the shipped model's two"),
            builder="build_strided_cnn",
            optimizer="adam with warm-up and cosine decay",
            loss=_CROSS_ENTROPY,
            learning_rate=3e-3,
            batch_size=128,
            epochs=30,
            augment=True,
        ),
        Recipe(
            architecture="quick_cnn",
            title=N_("Quick CNN"),
            description=N_("Quick CNN for live demos: 99 % after one epoch of the full MNIST"),
            builder="build_quick_cnn",
            optimizer="adam with warm-up and cosine decay",
            loss=_CROSS_ENTROPY,
            learning_rate=1e-2,
            batch_size=96,
            epochs=1,
            augment=False,
        ),
        Recipe(
            architecture="mlp",
            title=N_("Keras tutorial MLP"),
            description=N_("Keras tutorial MLP 512-512 with dropout, RMSprop"),
            builder="build_mlp",
            optimizer="rmsprop",
            loss=_CROSS_ENTROPY,
            learning_rate=1e-3,
            batch_size=128,
            epochs=20,
            augment=False,
        ),
        Recipe(
            architecture="sigmoid",
            title=N_("Nielsen's network"),
            description=N_("Nielsen's [784, 30, 10] sigmoid network, quadratic cost, plain SGD"),
            builder="build_sigmoid_network",
            optimizer="sgd",
            loss="quadratic_cost",
            learning_rate=3.0,
            batch_size=10,
            epochs=30,
            augment=False,
        ),
        Recipe(
            architecture="tensorflow_tutorial_cnn",
            title=N_("TensorFlow tutorial CNN"),
            description=N_("TensorFlow tutorial CNN (Conv2D 32-64-64, Dense 64), Adam"),
            builder="build_tensorflow_tutorial_cnn",
            optimizer="adam",
            loss=_CROSS_ENTROPY,
            learning_rate=1e-3,
            batch_size=32,
            epochs=10,
            augment=False,
        ),
        Recipe(
            architecture="keras_tutorial_cnn",
            title=N_("Keras tutorial CNN"),
            description=N_("Keras tutorial CNN (Conv2D 28, Dense 128, dropout), Adam"),
            builder="build_keras_tutorial_cnn",
            optimizer="adam",
            loss=_CROSS_ENTROPY,
            learning_rate=1e-3,
            batch_size=32,
            epochs=10,
            augment=False,
        ),
        # The reference of the training-speed benchmark, trained there as keras-io does it.
        Recipe(
            architecture="keras_io_cnn",
            title=N_("keras-io convnet"),
            description=N_("keras-io mnist_convnet example, Adam"),
            builder="build_keras_io_cnn",
            optimizer="adam",
            loss=_CROSS_ENTROPY,
            learning_rate=1e-3,
            batch_size=128,
            epochs=15,
            augment=False,
        ),
    )
}


def get_recipe(architecture):
    if architecture not in RECIPES:
        raise ValueError(f"Unknown architecture {architecture!r}: choose one of {', '.join(RECIPES)}.")
    return RECIPES[architecture]


# The Train page's menu, which starts on the first: a live demo should finish in seconds. The
# shipped ensemble's two designs are there too, for the patient.
TRAIN_PAGE_MENU = ("quick_cnn", "cnn", "strided_cnn", "tensorflow_tutorial_cnn", "keras_tutorial_cnn", "mlp", "sigmoid")

# Where the Train page starts each network: a live demo finishes in well under a minute on a
# laptop CPU. Batch size, learning rate and augmentation are the recipe's own.
_LIVE_DEMO = {
    "quick_cnn": {"epochs": 1, "train_size": 60_000},
    "cnn": {"epochs": 3, "train_size": 10_000},
    "strided_cnn": {"epochs": 3, "train_size": 10_000},
    "tensorflow_tutorial_cnn": {"epochs": 2, "train_size": 20_000},
    "keras_tutorial_cnn": {"epochs": 2, "train_size": 20_000},
    "mlp": {"epochs": 5, "train_size": 20_000},
    "sigmoid": {"epochs": 5, "train_size": 20_000},
}


def train_page_start(architecture, training_images):
    """The Train page's starting settings for ``architecture`` with ``training_images`` available:
    a dict of ``training.train`` options (epochs, train_size, batch_size, learning_rate, augment).

    A run needs a few hundred steps before batch normalisation's running statistics are
    usable: one epoch of the quick CNN is enough on 60,000 images (469 steps) but not on the
    5,000-image bundled sample (40 steps: 15 % on the test set), so small sets get more epochs.
    """
    recipe, demo = get_recipe(architecture), _LIVE_DEMO[architecture]
    train_size = min(demo["train_size"], training_images)
    steps_per_epoch = -(-train_size // recipe.batch_size)
    epochs = max(demo["epochs"], min(10, -(-300 // steps_per_epoch)))
    return {
        "epochs": epochs,
        "train_size": train_size,
        "batch_size": recipe.batch_size,
        "learning_rate": recipe.learning_rate,
        "augment": recipe.augment,
    }
