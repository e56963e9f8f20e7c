"""Augmentation: what makes a model read real drawings, not only MNIST.

Preprocessing already normalises size and position, so these stay moderate: they cover what
preprocessing cannot undo (slant, how a person's proportions differ from MNIST's) and the thick
or thin strokes a canvas brush makes.
"""

import keras
import tensorflow as tf


def make_augmenter(seed=0):
    """A function from a batch of (n, 28, 28, 1) images in [0, 1] to a randomly altered batch:
    rotation, slant, zoom, shift, and strokes made thicker or thinner."""
    geometry = keras.Sequential(
        [
            keras.layers.RandomRotation(0.035, fill_mode="constant", seed=seed),  # +-12.6 degrees
            keras.layers.RandomShear(x_factor=0.25, fill_mode="constant", seed=seed + 1),
            keras.layers.RandomZoom((-0.15, 0.15), fill_mode="constant", seed=seed + 2),
            keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant", seed=seed + 3),
        ]
    )

    def augment(images):
        images = geometry(images, training=True)
        thicker = tf.nn.max_pool2d(images, ksize=3, strides=1, padding="SAME")  # a 1-px wider stroke
        thinner = tf.clip_by_value((images - 0.45) / 0.55, 0.0, 1.0)  # the soft edge removed
        choice = tf.random.uniform([tf.shape(images)[0], 1, 1, 1])
        images = tf.where(choice < 0.25, thicker, tf.where(choice < 0.4, thinner, images))
        return tf.clip_by_value(images, 0.0, 1.0)

    return augment
