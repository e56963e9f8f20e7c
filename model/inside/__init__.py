"""The network's inside, for the Inside page: every layer's activations, what units learned, the
tutorials' networks side by side, and the map of the test set. Reads models; never trains them."""
