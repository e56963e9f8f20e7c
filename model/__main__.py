"""``python -m model``: where the command-line tools are."""

print(
    "Command-line tools of the digit-recognition demo:\n"
    "  python -m model.train    --arch {cnn,mlp,sigmoid} [--epochs N] [--data PATH] [--out PATH]\n"
    "  python -m model.evaluate [--model PATH] [--data PATH] [--json]\n"
    "  python -m model.predict  [--model PATH] IMAGE_OR_DIR...\n"
    "Add --help to any of them for every option."
)
