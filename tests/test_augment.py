import numpy as np

from model.augment import make_augmenter
from model.data import as_floats


def test_augmentation_keeps_images_in_range_and_changes_them(sample):
    images = as_floats(sample.x_train[:64])[..., None]
    augmented = np.asarray(make_augmenter(seed=0)(images))
    assert augmented.shape == images.shape and augmented.min() >= 0 and augmented.max() <= 1
    assert np.abs(augmented - images).mean() > 0.01
