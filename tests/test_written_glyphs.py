"""Characters of the glyph pool written with an uneven pen (the gate's "written glyph" kind)."""

import unicodedata

import numpy as np
from scipy import ndimage

from model.making.synthetic import written_glyphs
from model.making.synthetic.negatives import negative_pictures
from model.recognition.preprocess import preprocess


def test_the_centre_line_is_one_pixel_wide_and_follows_the_printed_character():
    line = written_glyphs.centre_line("H", 200)
    # An H's centre line: two uprights and a bar, one connected piece.
    assert ndimage.label(line, structure=np.ones((3, 3)))[1] == 1
    # Thinned: no 2x2 block of ink anywhere.
    blocks = line[:-1, :-1] & line[1:, :-1] & line[:-1, 1:] & line[1:, 1:]
    assert not blocks.any()
    rows, columns = np.nonzero(line)
    assert columns.max() - columns.min() > 80 and rows.max() - rows.min() > 100


def test_a_written_glyph_has_a_pen_that_swells_and_thins():
    image = np.asarray(written_glyphs.written_glyph(np.random.default_rng(3)))
    assert image.shape == (280, 280) and image.max() == 255
    ink = image > 127
    # The pen's width along the stroke: twice the distance from the centre line to the edge.
    widths = 2 * ndimage.distance_transform_edt(ink)[written_glyphs.centre_line_of(ink)]
    assert np.percentile(widths, 90) > 1.3 * np.percentile(widths, 10), widths


def test_written_glyphs_are_reproducible_varied_and_read_as_drawings():
    first = np.asarray(written_glyphs.written_glyph(np.random.default_rng(5)))
    again = np.asarray(written_glyphs.written_glyph(np.random.default_rng(5)))
    other = np.asarray(written_glyphs.written_glyph(np.random.default_rng(6)))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    pictures = [picture for _, picture in negative_pictures(24, seed=4, kinds=("written glyph",))]
    assert len(pictures) == 24
    assert all(preprocess(picture).max() > 0.9 for picture in pictures[:6])


def test_the_east_asian_list_holds_simple_characters_and_no_numeral_or_held_out_subject():
    characters = written_glyphs.east_asian_characters()
    assert len(characters) > 400
    blocks = {unicodedata.name(c).split()[0] for c in characters}
    assert {"HIRAGANA", "KATAKANA", "BOPOMOFO", "HANGUL", "CJK"} <= blocks, blocks
    # Numerals name digits; trees, suns, people... are what the wild measure holds out.
    for kept_out in written_glyphs.NUMERALS + written_glyphs.HELD_OUT_PICTOGRAPHS + "了フㄹ":
        assert kept_out not in characters, kept_out
    # Simple: every one's centre line is short (a many-stroke character is a blob at 28x28).
    lengths = [written_glyphs.centre_line(c, 200, east_asian=True).sum() for c in characters[::25]]
    assert max(lengths) <= written_glyphs.MAX_CENTRE_LINE
