"""The library: ``recognition/`` (what a stroke needs), ``making/`` (how the shipped networks are
made), ``hosting/`` (a public instance's limits), ``rooms/`` (audience rooms), ``cli/`` (the tools);
beside them the data, model files and cards, metrics and figures that all of them share.

This package never imports streamlit, so the command-line tools, the tests and the
benchmarks use exactly the code the app uses.
"""

import os

# TensorFlow's C++ start-up chatter hides our own messages in a terminal.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
