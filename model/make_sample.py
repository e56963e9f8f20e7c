"""Write the bundled sample from a full MNIST: ``python -m model.make_sample --data PATH``."""

import argparse

import numpy as np

from model.data import SAMPLE_PATH, load_mnist_file, make_sample


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="a full MNIST in any supported format")
    parser.add_argument("--out", default=str(SAMPLE_PATH))
    arguments = parser.parse_args()
    sample = make_sample(load_mnist_file(arguments.data))
    np.savez_compressed(arguments.out, **sample)
    print(f"wrote {arguments.out}: {len(sample['x_train'])} train, {len(sample['x_test'])} test images")


if __name__ == "__main__":
    main()
