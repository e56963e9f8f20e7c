import numpy as np

from model.data import as_floats
from model.making.augment import low_resolution, make_augmenter


def test_augmentation_keeps_images_in_range_and_changes_them(sample):
    images = as_floats(sample.x_train[:64])[..., None]
    augmented = np.asarray(make_augmenter(seed=0)(images))
    assert augmented.shape == images.shape and augmented.min() >= 0 and augmented.max() <= 1
    assert np.abs(augmented - images).mean() > 0.01


def test_written_styles_add_flags_feet_and_crossbars_to_real_ones_and_sevens(sample):
    from model.making.augment import written_styles

    images, labels = written_styles(sample.x_train, sample.y_train, 30, seed=2)
    assert images.shape == (30, 28, 28) and images.dtype == np.uint8
    assert set(labels) == {1, 7} and (labels == 7).sum() == 10

    # A flag or a foot is more ink than a plain 1 has.
    def ink(images):
        return np.median((images > 50).sum(axis=(1, 2)))

    assert ink(images[labels == 1]) > 1.1 * ink(sample.x_train[sample.y_train == 1])  # 84.5 vs 73 px
    assert not np.array_equal(images, written_styles(sample.x_train, sample.y_train, 30, seed=3)[0])


def test_pieces_are_labelled_by_what_a_cut_makes(sample):
    from model.making.synthetic.pieces import make_pieces

    images, is_whole, labels = make_pieces(sample.x_train, 30, seed=1, labels=sample.y_train)
    assert images.shape == (30, 28, 28) and images.dtype == np.uint8
    # fragment, pair, digit with a sliver, digit with a chunk, digit with a sliver, in turn
    assert is_whole.tolist() == [0.0, 0.0, 1.0, 0.0, 1.0] * 6
    assert (labels[is_whole == 0] == -1).all() and set(labels[is_whole == 1]) <= set(range(10))
    slivers, _, sliver_labels = make_pieces(
        sample.x_train, 10, seed=1, labels=sample.y_train, kinds=("digit with a sliver",)
    )
    assert (sliver_labels >= 0).all()


def test_low_resolution_digits_are_blurred_mnist_digits(sample):
    blurred, chosen = low_resolution(sample.x_train, 30, seed=2)
    assert blurred.shape == (30, 28, 28) and blurred.dtype == np.uint8 and len(chosen) == 30
    assert (blurred.max(axis=(1, 2)) == 255).all()  # brought back to full ink, as preprocessing does
    # Blurred: far fewer pixels at full ink than a sharp digit has, but the same place and shape.
    sharp = sample.x_train[chosen]
    assert (blurred > 200).sum() < (sharp > 200).sum()
    correlation = [np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(blurred, sharp, strict=True)]
    assert np.median(correlation) > 0.6
