"""The architectures, as builders: our CNN, the quick CNN, the tutorials' networks, keras-io's CNN.

Every network takes the same input, a batch of 28x28x1 float32 images in [0, 1] (white ink on
black, as ``preprocess`` makes them), and outputs ten probabilities from a layer named
"probabilities". How each one is trained (optimizer, rate, epochs) lives in ``recipes.py``.
"""

import keras
from keras import layers

INPUT_SHAPE = (28, 28, 1)


def _convolution(x, filters, size, strides=1, padding="same"):
    """Conv2D (no bias: batch norm adds one), batch normalisation, ReLU."""
    x = layers.Conv2D(filters, size, strides=strides, padding=padding, use_bias=False)(x)
    # Momentum 0.9 (Keras' default is 0.99) lets the statistics settle within the few hundred
    # steps of a live training demo.
    x = layers.BatchNormalization(momentum=0.9)(x)
    return layers.ReLU()(x)


def build_cnn():
    """Our CNN: two VGG-style blocks with batch normalisation, then a 3x3 block and global pooling.

    About 140k parameters, so it is fast on a CPU; with augmentation it reaches >= 99.6 %.
    """
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = inputs
    for filters in (32, 64):
        for _ in range(2):
            x = _convolution(x, filters, 3)
        x = layers.MaxPooling2D()(x)
        x = layers.Dropout(0.1)(x)
    x = _convolution(x, 128, 3, padding="valid")  # 7x7 -> 5x5
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="cnn")


def build_strided_cnn():
    """A CNN after Chris Deotte's Kaggle MNIST study ("How to choose CNN architecture MNIST"):
    pairs of 3x3 convolutions, then a strided 5x5 convolution where others pool, batch norm
    after every convolution and dropout 0.4. Its strided layers learn how to shrink, so its
    mistakes differ from our CNN's: a second kind of member for the shipped ensemble."""
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = inputs
    for filters in (32, 64):
        x = _convolution(x, filters, 3, padding="valid")
        x = _convolution(x, filters, 3, padding="valid")
        x = _convolution(x, filters, 5, strides=2)
        x = layers.Dropout(0.4)(x)
    x = _convolution(x, 128, 4, padding="valid")  # 4x4 -> 1x1
    x = layers.Flatten()(x)
    x = layers.Dropout(0.4)(x)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="strided_cnn")


def build_quick_cnn():
    """A CNN for live training demos: 25k parameters, one pass over all 60,000 images takes
    about 4 s on a 2-core CPU and already reaches 99 %. Small feature maps early (a 5x5
    convolution, then pooling) keep every step cheap; batch normalisation lets a high learning
    rate work from the first steps."""
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = inputs
    for filters, size in ((16, 5), (32, 3), (64, 3)):
        x = _convolution(x, filters, size, padding="valid")
        if filters < 64:
            x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="quick_cnn")


def build_tensorflow_tutorial_cnn():
    """The TensorFlow CNN tutorial's network: Conv2D 32 3x3, MaxPool, Conv2D 64 3x3, MaxPool,
    Conv2D 64 3x3, Flatten, Dense 64 relu, Dense 10 softmax."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="image"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="tensorflow_tutorial_cnn",
    )


def build_keras_tutorial_cnn():
    """The Keras CNN tutorial's network (the "Predicted Label: N" one): Conv2D 28 3x3, MaxPool,
    Flatten, Dense 128 relu, Dropout 0.2, Dense 10 softmax."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="image"),
            layers.Conv2D(28, 3),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="keras_tutorial_cnn",
    )


def build_keras_io_cnn():
    """The keras-io ``mnist_convnet`` example, the reference in the training-speed benchmark."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="image"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="keras_io_cnn",
    )


def build_mlp():
    """The Keras MLP tutorial: Dense 512 relu, Dropout 0.2, Dense 512 relu, Dropout 0.2, Dense 10."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="image"),
            layers.Flatten(),
            layers.Dense(512, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(512, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="mlp",
    )


def build_sigmoid_network():
    """Nielsen's network [784, 30, 10]: sigmoid units, weights and biases drawn from N(0, 1).

    Keras computes whole mini-batches as matrices, which is the vectorised form of the
    tutorial's per-sample backpropagation.
    """
    gaussian = keras.initializers.RandomNormal(mean=0.0, stddev=1.0)
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="image"),
            layers.Flatten(),
            layers.Dense(30, activation="sigmoid", kernel_initializer=gaussian, bias_initializer=gaussian),
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
