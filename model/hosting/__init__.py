"""A public instance's limits: the training queue, training in a child process, memory, retention,
and the settings they read from the environment."""
