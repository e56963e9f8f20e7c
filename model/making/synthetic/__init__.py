"""Images made here to train on: things that are not digits, pieces of cut digits, lines of digits.
Each returns 28x28 uint8 in MNIST's format (lines: uint8 too), like MNIST itself."""
