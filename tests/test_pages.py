"""Each page through Streamlit's AppTest: no browser, the real script, real widgets."""

import base64
import io
import re
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.support.drawings import draw_digit, render, strokes_in_box

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FIRST_CANVAS = "canvas-280x280-0"  # the Draw page's canvas before any Clear


@pytest.fixture(autouse=True)
def runs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_RUNS_DIR", str(tmp_path / "runs"))
    # The pages read the bundled sample here, never a download, whatever the machine has.
    monkeypatch.setenv("MNIST_PATH", str(Path(__file__).resolve().parents[1] / "model" / "mnist_sample.npz"))


def canvas_state(rgba):
    """What the canvas component puts in session state after a stroke."""
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return {"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": url}}


def new_app():
    return AppTest.from_file(APP, default_timeout=120)


def prediction_metrics(app):
    return [metric for metric in app.metric if metric.label == "Prediction"]


def test_a_drawing_gives_the_prediction_metric_and_the_28x28_image():
    app = new_app()
    app.session_state[FIRST_CANVAS] = canvas_state(draw_digit(7, background=(0, 0, 0)))
    app.run()
    assert not app.exception
    [metric] = prediction_metrics(app)
    assert metric.value == "7"
    assert any("What the model saw" in str(image.proto) for image in app.get("image"))


def test_script_runs_keep_the_keras_session_and_tensorflow_kernels():
    # Streamlit's own clean-up would call keras.backend.clear_session() after each run, which
    # makes every prediction ~25x slower; the app turns that off.
    from keras.src.backend.common import global_state

    app = new_app()
    app.session_state[FIRST_CANVAS] = canvas_state(draw_digit(7, background=(0, 0, 0)))
    app.run()
    tracker = global_state.GLOBAL_STATE_TRACKER
    app.run()
    assert global_state.GLOBAL_STATE_TRACKER is tracker


def test_an_empty_canvas_gives_the_hint_and_no_guess():
    app = new_app()
    app.run()
    assert not app.exception and not prediction_metrics(app)
    assert any("Draw a digit" in info.value for info in app.info)
    app.session_state[FIRST_CANVAS] = canvas_state(np.zeros((280, 280, 4), np.uint8))  # drawn, then erased
    app.run()
    assert not prediction_metrics(app)


def test_clear_mounts_an_empty_canvas():
    app = new_app()
    app.session_state[FIRST_CANVAS] = canvas_state(draw_digit(2, background=(0, 0, 0)))
    app.run()
    assert prediction_metrics(app)
    next(button for button in app.button if button.label == "Clear").click().run()
    assert not prediction_metrics(app)
    assert any("Draw a digit" in info.value for info in app.info)


def test_an_unsure_answer_names_both_candidates(monkeypatch):
    from model.recognition.predictor import Prediction, Predictor

    probabilities = (
        np.array(
            [
                0,
                0,
                0,
                0,
                0.48,
                0,
                0,
                0,
                0,
                0.44,
            ],
            np.float32,
        )
        + 0.01
    )
    unsure = Prediction(digit=4, confidence=float(probabilities[4]), probabilities=probabilities)
    monkeypatch.setattr(Predictor, "predict", lambda self, image: unsure)
    app = new_app()
    app.session_state[FIRST_CANVAS] = canvas_state(draw_digit(4, background=(0, 0, 0)))
    app.run()
    assert [warning.value for warning in app.warning] == ["Not sure: a 4 or a 9?"]


def test_an_arrow_is_read_with_the_remark_that_it_may_not_be_a_digit():
    # An upward arrow: the checks half doubt it (between the joint rule's two thresholds), so it
    # is read, as a 7, with the remark; a plain 7 has none.
    arrow = [[(140, 250), (140, 40)], [(80, 110), (140, 40), (200, 110)]]
    app = new_app()
    app.session_state[FIRST_CANVAS] = canvas_state(render(arrow))
    app.run()
    assert not app.exception and prediction_metrics(app)[0].value == "7"
    assert any("may not be a digit at all" in warning.value for warning in app.warning)
    app.session_state[FIRST_CANVAS] = canvas_state(draw_digit(7, background=(0, 0, 0)))
    app.run()
    assert prediction_metrics(app)[0].value == "7"
    assert not any("may not be a digit" in warning.value for warning in app.warning)


def test_the_answer_line_says_may_not_be_a_digit_in_place_of_how_sure():
    # The line under a phone's canvas (Draw on a phone, Join): "7 · 100% sure" would read as sure
    # it is a digit.
    def script(doubted: bool) -> None:
        import numpy as np
        import streamlit as st

        from model.recognition.predictor import Prediction
        from ui.reading import Reading, show_answer_line

        probabilities = np.full(10, 0.001, np.float32)
        probabilities[7] = 1 - probabilities[:7].sum() - probabilities[8:].sum()
        confidence = float(probabilities[7])
        prediction = Prediction(digit=7, confidence=confidence, probabilities=probabilities, doubted=doubted)
        show_answer_line(st.empty(), Reading(image=np.zeros((28, 28), np.float32), prediction=prediction))

    cases = ((True, "may not be a digit", "% sure"), (False, "99% sure", "may not be a digit"))
    for doubted, shown, not_shown in cases:
        app = AppTest.from_function(script, args=(doubted,)).run()
        [line] = [markdown.value for markdown in app.markdown]
        assert not app.exception and line.startswith("#### :material/neurology: 7 · ")
        assert shown in line and not_shown not in line


def test_the_projector_says_so_too_under_its_big_answer():
    scale = 520 / 280  # the Present page's canvas
    arrow = [[(140, 250), (140, 40)], [(80, 110), (140, 40), (200, 110)]]
    app = new_app()
    app.switch_page("pages/present.py").run()
    drawn = render([[(x * scale, y * scale) for x, y in stroke] for stroke in arrow], canvas_size=520, stroke_width=37)
    app.session_state["canvas-520x520-0"] = canvas_state(drawn)
    app.run()
    [big] = [markdown.value for markdown in app.markdown if "big-answer" in markdown.value]
    # In its place, not beside "N % sure", which the back row would read as sure it is a digit.
    assert not app.exception and "may not be a digit" in big and "% sure" not in big
    app.session_state["canvas-520x520-0"] = canvas_state(draw_digit(7, left=80, top=60, size=380, canvas_size=520))
    app.run()
    [big] = [markdown.value for markdown in app.markdown if "big-answer" in markdown.value]
    assert "% sure" in big and "may not be a digit" not in big


def test_number_mode_reads_every_digit():
    app = new_app()
    app.run()
    app.button_group(key="mode").set_value("A number").run()
    strokes = []
    for position, digit in enumerate([2, 0, 2, 6]):
        strokes += strokes_in_box(digit, 30 + position * 130, 50, 170)
    app.session_state["canvas-560x280-0"] = canvas_state(render(strokes, canvas_size=560, stroke_width=16)[:280])
    app.run()
    assert not app.exception
    [number] = [metric for metric in app.metric if metric.label == "Number"]
    assert number.value == "2026"


def test_an_uploaded_photo_is_read():
    photo = Image.fromarray(draw_digit(5, background=(235, 235, 225), colour=(20, 20, 40))).convert("RGB")
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    app = new_app()
    app.run()
    app.file_uploader(key="upload").set_value(("five.jpg", buffer.getvalue(), "image/jpeg")).run()
    [metric] = prediction_metrics(app)
    assert metric.value == "5"


def test_gallery_renders_its_figures():
    app = new_app()
    app.switch_page("pages/gallery.py").run()
    assert not app.exception
    accuracy = next(metric for metric in app.metric if metric.label == "Test accuracy")
    assert float(accuracy.value.rstrip("%")) >= 99.0
    assert len(app.get("image")) >= 2  # the grid and the confusion matrix
    assert any("2,000 test images" in notice.value for notice in app.info)  # the sample, said plainly
    app.toggle(key="gallery_mistakes").set_value(True).run()
    assert not app.exception


def test_the_gallery_reads_the_answers_the_card_recorded_instead_of_running_the_model(monkeypatch):
    from model.recognition.predictor import Predictor

    def no_model_run(self, images):
        raise AssertionError("the Gallery ran the model over the test set")

    monkeypatch.setattr(Predictor, "predict_uint8", no_model_run)
    app = new_app()
    app.switch_page("pages/gallery.py").run()
    assert not app.exception
    assert next(metric for metric in app.metric if metric.label == "Mistakes").value.endswith(" of 2,000")


@pytest.mark.slow
def test_a_tiny_training_run_fills_the_bar_and_gives_a_usable_model(monkeypatch):
    # Admission measures this process, which holds every earlier test's models (1.5 GB in a full
    # run), not a server's; the budget's refusal has its own test below.
    monkeypatch.setenv("DIGITS_MEMORY_BUDGET_MB", "8000")
    app = new_app()
    app.switch_page("pages/train.py").run()
    app.selectbox(key="architecture").set_value("mlp").run()
    app.number_input(key="epochs-mlp").set_value(2)
    app.select_slider(key="size-mlp").set_value(2000)
    next(button for button in app.button if button.label == "Start training").click().run()
    run = app.session_state["training_run"]
    deadline = time.monotonic() + 180
    while not run.done:  # the queue's own thread starts and follows the run
        assert time.monotonic() < deadline, "training did not finish"
        run.last_seen = time.monotonic()  # the page's fragment would do this every half second
        time.sleep(0.2)
    app.run()
    assert not app.exception and run.error is None
    assert run.progress.fraction == pytest.approx(1.0)
    assert [bar.value for bar in app.get("progress")] == [100]
    # Under the curves, the first layer as the last report left it: the MLP's hidden units' weights.
    [weights] = [image for image in app.get("image") if "hidden units" in str(image.proto)]
    assert "first 32 of its 512 hidden units" in str(weights.proto)
    assert any(text.value == "**What the first layer learned**" for text in app.markdown)
    next(button for button in app.button if button.label == "Use this model").click().run()
    assert app.session_state["active_model"].startswith("Keras tutorial MLP ·")  # what the Train page calls it
    app.switch_page("pages/draw.py")
    app.session_state[FIRST_CANVAS] = canvas_state(draw_digit(1, background=(0, 0, 0)))
    app.run()
    assert prediction_metrics(app), "the trained model reads drawings"
    assert Path(app.session_state["trained_models"][app.session_state["active_model"]]).exists()
    assert_no_server_paths(app)


def test_a_run_over_the_servers_budget_is_refused_with_a_reason(monkeypatch):
    monkeypatch.setenv("DIGITS_RUN_MAX_IMAGE_EPOCHS", "1000")
    app = new_app()
    app.switch_page("pages/train.py").run()
    next(button for button in app.button if button.label == "Start training").click().run()
    assert not app.exception and "training_run" not in app.session_state
    assert any("image-epochs" in error.value for error in app.error)


def page_texts(app):
    elements = [*app.markdown, *app.caption, *app.error, *app.warning, *app.info, *app.success, *app.metric]
    return [str(getattr(element, "value", "")) + str(getattr(element, "label", "")) for element in elements]


def assert_no_server_paths(app):
    root = str(Path(APP).parent)
    for text in page_texts(app):
        assert root not in text and "/runs/" not in text and ".keras" not in text, text


@pytest.mark.parametrize(
    "page", ["pages/draw.py", "pages/inside.py", "pages/gallery.py", "pages/train.py", "pages/present.py"]
)
def test_no_page_shows_a_server_path(page):
    app = new_app()
    app.switch_page(page).run()
    assert not app.exception
    assert_no_server_paths(app)


def bad_uploads():
    good = io.BytesIO()
    Image.fromarray(draw_digit(5)).save(good, format="PNG")
    bomb = io.BytesIO()
    Image.new("1", (30000, 30000)).save(bomb, format="PNG")  # a small file claiming 900 megapixels
    return {
        "empty.png": b"",
        "text.png": b"I am not a picture",
        "truncated.png": good.getvalue()[: len(good.getvalue()) // 2],
        "random.png": bytes(range(256)) * 40,
        "drawing.svg.png": b'<svg xmlns="http://www.w3.org/2000/svg"><text>4</text></svg>',
        "bomb.png": bomb.getvalue(),
    }


@pytest.mark.parametrize("name", list(bad_uploads()))
def test_bad_uploads_are_an_error_line_and_the_page_keeps_working(name):
    app = new_app()
    app.session_state[FIRST_CANVAS] = canvas_state(draw_digit(1, background=(0, 0, 0)))
    app.run()
    app.file_uploader(key="upload").set_value((name, bad_uploads()[name], "image/png")).run()
    assert not app.exception
    [error] = app.error
    assert error.value.startswith(name) and "0x" not in error.value and "Traceback" not in error.value
    [metric] = prediction_metrics(app)  # the drawing is still read
    assert metric.value == "1"


def test_the_train_page_starts_from_the_recipes_settings():
    from model.data import load_sample
    from model.making.recipes import TRAIN_PAGE_MENU, train_page_start

    app = new_app()
    app.switch_page("pages/train.py").run()
    assert not app.exception
    start = train_page_start(TRAIN_PAGE_MENU[0], len(load_sample().y_train))
    architecture = TRAIN_PAGE_MENU[0]
    assert app.selectbox(key="architecture").value == architecture
    assert app.number_input(key=f"epochs-{architecture}").value == start["epochs"]
    assert app.select_slider(key=f"size-{architecture}").value == start["train_size"]
    assert app.select_slider(key=f"batch-{architecture}").value == start["batch_size"]


def test_streamlit_moving_its_clean_up_hook_is_a_loud_warning(monkeypatch):
    from streamlit.runtime.scriptrunner import script_runner

    from ui.keras_session import keep_tensorflow_warm

    monkeypatch.delattr(script_runner, "_clean_problem_modules", raising=False)
    with pytest.warns(RuntimeWarning, match="clear the Keras session"):
        keep_tensorflow_warm()


def test_after_clear_a_late_send_is_not_read_but_the_same_drawing_drawn_again_is():
    drawn = canvas_state(draw_digit(3, background=(0, 0, 0)))
    app = new_app()
    app.session_state[FIRST_CANVAS] = drawn
    app.run()
    assert prediction_metrics(app)
    next(button for button in app.button if button.label == "Clear").click().run()
    assert not prediction_metrics(app)
    app.session_state[FIRST_CANVAS] = drawn  # the old canvas' send, arriving after the Clear
    app.run()
    assert not prediction_metrics(app)
    app.session_state["canvas-280x280-1"] = drawn  # the new canvas, the identical drawing
    app.run()
    assert prediction_metrics(app)


def test_digits_from_a_rooms_download_join_the_training_set():
    from model.data import load_sample
    from model.rooms.values import npz_bytes

    sample = load_sample()
    app = new_app()
    app.switch_page("pages/train.py").run()
    app.file_uploader(key="extra_digits").set_value(
        ("room-abc.npz", npz_bytes(sample.x_test[:30], sample.y_test[:30]), "application/octet-stream")
    ).run()
    assert not app.exception
    assert any("+ 30 digits from room-abc.npz" in caption.value for caption in app.caption)
    app.file_uploader(key="extra_digits").set_value(("notes.npz", b"not an npz", "application/octet-stream")).run()
    assert not app.exception and any("not an .npz" in error.value for error in app.error)


def test_a_page_of_text_is_not_a_digit_on_the_draw_page():
    from PIL import ImageDraw

    page = Image.new("RGB", (900, 600), (250, 250, 250))
    draw = ImageDraw.Draw(page)
    for row in range(14):
        draw.text((20, 20 + row * 40), "The quick brown fox jumps over the lazy dog " * 3, fill=(10, 10, 10))
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    app = new_app()
    app.run()
    app.file_uploader(key="upload").set_value(("screenshot.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception and not prediction_metrics(app)
    assert any("That does not look like a digit" in warning.value for warning in app.warning)


def test_an_uploaded_photo_is_shown_beside_its_reading():
    rgba = draw_digit(4, background=(255, 255, 255), colour=(30, 30, 30))
    buffer = io.BytesIO()
    Image.fromarray(rgba).convert("RGB").resize((1200, 1200)).save(buffer, format="PNG")
    app = new_app()
    app.run()
    assert not any("Your photo" in caption for image in app.get("image") for caption in image.captions)
    app.file_uploader(key="upload").set_value(("four.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception and prediction_metrics(app)[0].value == "4"
    assert sum("Your photo" in caption for image in app.get("image") for caption in image.captions) == 1


def test_a_digit_is_named_with_the_article_english_gives_it():
    from ui.reading import with_article

    assert [with_article(digit) for digit in (7, 8, 0)] == ["a 7", "an 8", "a 0"]


def test_the_inside_page_shows_every_layer_and_every_network_reads_the_drawing():
    app = new_app()
    app.switch_page("pages/inside.py")
    app.session_state[FIRST_CANVAS] = canvas_state(render(strokes_in_box(7, 50, 40, 190)))
    app.run()
    assert not app.exception
    # The active model's answer first, then the four tutorials and the shipped model side by side.
    assert [(metric.label, metric.value) for metric in app.metric] == [("Prediction", "7")]
    [cards] = [element.proto.body for element in app.get("html") if 'class="contenders"' in element.proto.body]
    readers = dict(re.findall(r'class="contender contender-([a-z-]+)">.*?<div class="reads">(\d)</div>', cards))
    assert list(readers) == [
        "nielsens-network",
        "keras-tutorial-mlp",
        "tensorflow-tutorial-cnn",
        "keras-tutorial-cnn",
        "shipped-model",
    ]
    assert [readers[name] for name in ("tensorflow-tutorial-cnn", "keras-tutorial-cnn", "shipped-model")] == ["7"] * 3
    [layers] = [element.proto.body for element in app.get("html") if "conv2d · 28 × 28 × 32" in element.proto.body]
    captions = re.findall(r"<figcaption>([^<]*)</figcaption>", layers)
    # The shipped model's first member, every layer but its input: the last is its ten outputs.
    assert len(captions) == 22 and captions[-1].startswith("probabilities · 10: output"), readers
    assert any("nearest test digits" in markdown.value for markdown in app.markdown)
    assert_no_server_paths(app)
