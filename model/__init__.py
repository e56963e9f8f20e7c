"""The recognition core: data, preprocessing, networks, training, inference, metrics, plots.

This package never imports streamlit, so the command-line tools, the tests and the
benchmarks use exactly the code the app uses.
"""

import os

# TensorFlow's C++ start-up chatter hides our own messages in a terminal.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
