"""The broad pool the gate learns "not a digit" from: glyphs, made-up doodles, near-digits, and
the kinds a leave-one-out measure trains without."""

import unicodedata

import numpy as np
import pytest

from bench.heldout import wild
from model.data import as_floats
from model.making.synthetic import glyphs
from model.making.synthetic.doodles import doodle
from model.making.synthetic.near_digits import MIRRORED, near_digits
from model.making.synthetic.negatives import KINDS, make_negatives, negative_pictures


def test_the_glyph_list_holds_many_scripts_and_no_digit_lookalike():
    characters = glyphs.usable_characters()
    assert len(characters) > 1_000
    scripts = {unicodedata.name(c).split()[0] for c in characters}
    assert {"LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "GEORGIAN", "HEBREW", "ARABIC"} <= scripts
    # Letters a person reads as a digit, and digits by another name, are never taught as non-digits.
    for lookalike in "OoIlSZ|ÖÔЗОІ①²½Ⅳ":
        assert lookalike not in characters, lookalike


def test_the_glyph_list_draws_none_of_the_held_out_doodle_subjects():
    # bench/heldout/wild.py draws clouds, houses, trees, flowers, suns...: a symbol of one would make
    # that family a trained kind.
    named = " ".join(unicodedata.name(c) for c in glyphs.usable_characters())
    for subject in ("CLOUD", "HOUSE", "FLORETTE", "SUN "):
        assert subject not in named
    assert "☁" not in glyphs.usable_characters() and "⌂" not in glyphs.usable_characters()


def test_the_glyph_filter_drops_what_lies_among_mnist_digits(sample):
    # The filter behind glyphs.txt, on a few characters against real MNIST training digits.
    digits = as_floats(sample.x_train)
    from PIL import ImageFont

    font = ImageFont.truetype(str(glyphs.FONT_DIR / glyphs.GLYPH_FONTS[0]), 200)
    likeness = glyphs.digit_likeness(np.stack([glyphs.drawn_character(c, font) for c in "Il|AHKW@"]), digits)
    looks_like_a_digit = likeness > glyphs.DIGIT_LIKENESS
    assert looks_like_a_digit[:3].all() and not looks_like_a_digit[3:].any(), likeness


def test_doodles_are_reproducible_and_varied():
    first = np.asarray(doodle(np.random.default_rng(5)))
    again = np.asarray(doodle(np.random.default_rng(5)))
    other = np.asarray(doodle(np.random.default_rng(6)))
    np.testing.assert_array_equal(first, again)
    assert first.shape == (280, 280) and first.max() == 255 and not np.array_equal(first, other)


def test_near_digits_are_changed_digits_and_never_a_mirrored_zero_one_or_eight(sample):
    made = near_digits(sample.x_train, sample.y_train, 40, seed=1)
    assert made.shape == (40, 28, 28) and made.dtype == np.uint8
    mirrored = made[0::4]
    originals = {
        bytes(image[:, ::-1]) for image, label in zip(sample.x_train, sample.y_train, strict=True) if label in MIRRORED
    }
    assert all(bytes(image) in originals for image in mirrored)
    assert near_digits(sample.x_train, sample.y_train, 0).shape == (0, 28, 28)


def test_negative_pictures_keep_to_the_kinds_asked_for():
    kinds = {kind for kind, _ in negative_pictures(30, seed=2, kinds=("glyph", "face"))}
    assert kinds == {"glyph", "face"}
    assert {kind for kind, _ in negative_pictures(40, seed=2)} == set(KINDS)
    assert make_negatives(6, seed=2, kinds=("doodle",)).shape[1:] == (28, 28)
    with pytest.raises(ValueError, match="kinds must be some of"):
        list(negative_pictures(3, kinds=("tree",)))


def test_every_wild_family_that_a_training_kind_also_draws_is_marked():
    # The honest split of bench/in_the_wild.py: families whose kind training draws are named.
    for family in ("doodle: arrow", "doodle: question mark", "doodle: wave", "doodle: heart", "doodle: star"):
        assert family in wild.TRAINED_KIND, family
    for family in ("doodle: cloud", "doodle: house", "doodle: tree", "doodle: flower", "doodle: sun"):
        assert family not in wild.TRAINED_KIND, family
