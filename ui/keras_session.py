"""Keep the Keras session between script runs: Streamlit's clean-up, replaced once, loudly.

Streamlit calls ``keras.backend.clear_session()`` at the end of each script run
(``_clean_problem_modules`` in streamlit/runtime/scriptrunner/script_runner.py), which also
empties TensorFlow's kernel cache: every prediction then took ~42 ms instead of ~1.7 ms
(measured). This app builds no Keras model in a script run (training runs in a child process,
``model/hosting/jobs.py``), so there is nothing to clear; matplotlib's pyplot figures, the other thing
Streamlit cleans, are still closed.
"""

import sys
import warnings


def keep_tensorflow_warm():
    """Replace Streamlit's clean-up hook; warn if a Streamlit upgrade moved it (predictions
    would then be ~25x slower, which no error would show)."""
    from streamlit.runtime.scriptrunner import script_runner

    if not hasattr(script_runner, "_clean_problem_modules"):
        warnings.warn(
            "streamlit.runtime.scriptrunner.script_runner._clean_problem_modules is gone: Streamlit may "
            "now clear the Keras session after every script run, making each prediction ~25x slower.",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    script_runner._clean_problem_modules = _close_pyplot_figures


def _close_pyplot_figures():
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
