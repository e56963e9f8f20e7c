"""How the shipped networks are made: architectures, recipes, training, augmentation, the gate, the
number model, ensembles; ``synthetic/`` makes the images MNIST lacks."""
