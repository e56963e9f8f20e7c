"""Losses a saved model may name: registered with Keras here, so every reader of a .keras file
(the predictor, which never imports the making of networks) can load one that names them."""

import keras


@keras.saving.register_keras_serializable(package="digits")
def quadratic_cost(labels: object, outputs: object) -> object:
    """Nielsen's cost: 1/2 ||y - a||^2 per image with y one-hot, averaged over the mini-batch.

    Keras' "mse" would average over the ten outputs too, which divides the gradient by 5 and
    makes the tutorial's learning rate of 3.0 mean something else.
    """
    one_hot = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(labels, (-1,)), "int32"), 10)
    return 0.5 * keras.ops.sum(keras.ops.square(one_hot - outputs), axis=-1)
