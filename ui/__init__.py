"""The Streamlit glue the pages share: cached resources, session state, shared widgets.

``model/`` never imports streamlit; this package is where the two meet. Pages import from here.
"""
