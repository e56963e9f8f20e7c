"""The tutorials' recipes and the Train page's starting settings."""

import pytest

from model.making.recipes import RECIPES, TRAIN_PAGE_MENU, get_recipe, train_page_start


def test_recipes_are_the_tutorials():
    assert (RECIPES["sigmoid"].learning_rate, RECIPES["sigmoid"].batch_size, RECIPES["sigmoid"].epochs) == (3.0, 10, 30)
    assert (RECIPES["mlp"].batch_size, RECIPES["mlp"].epochs) == (128, 20)
    assert (RECIPES["keras_io_cnn"].batch_size, RECIPES["keras_io_cnn"].epochs) == (128, 15)


def test_unknown_architecture_names_the_known_ones():
    with pytest.raises(ValueError, match="quick_cnn"):
        get_recipe("transformer")


def test_train_page_defaults_give_batch_norm_enough_steps():
    for architecture in TRAIN_PAGE_MENU:
        for images in (5_000, 60_000):
            start = train_page_start(architecture, images)
            steps = start["epochs"] * -(-start["train_size"] // start["batch_size"])
            assert start["train_size"] <= images and steps >= 300, (architecture, images, start)
    # On the full set, the page's first network needs one epoch to reach 99 % (bench/train_speed).
    assert TRAIN_PAGE_MENU[0] == "quick_cnn" and train_page_start("quick_cnn", 60_000)["epochs"] == 1


def test_train_page_start_keeps_the_recipes_own_settings():
    for architecture in TRAIN_PAGE_MENU:
        recipe, start = RECIPES[architecture], train_page_start(architecture, 60_000)
        assert (start["batch_size"], start["learning_rate"], start["augment"]) == (
            recipe.batch_size,
            recipe.learning_rate,
            recipe.augment,
        )
