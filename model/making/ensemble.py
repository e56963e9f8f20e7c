"""Several trained networks as one: their probabilities averaged, in one Keras model.

Networks trained from different seeds, and better still of different designs, make different
mistakes; averaging their probabilities removes some of them (on MNIST: from 99.66-99.69 % for
one network to the shipped model's figure on its card). The ensemble is one ``.keras`` file with one input and one
output, so everything that reads a model (the predictor, "why", the Gallery, the CLI) reads it
unchanged, and one traced call runs every member.

``python -m model ensemble A.keras B.keras ... --out model/mnist_cnn.keras``
"""

from model.making.cards import created_now, measured_on_test_split


def average(members):
    """One Keras model whose output is the mean of the ``members``' probabilities."""
    import keras

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    outputs = [
        keras.Model(member.inputs[0], member.outputs[0], name=f"member_{index}")(inputs)
        for index, member in enumerate(members)
    ]
    averaged = keras.layers.Average(name="probabilities")(outputs)
    return keras.Model(inputs, averaged, name=f"ensemble_of_{len(members)}")


def network_to_train_further(path, member=None):
    """The Keras network at ``path`` to train further, or the ``member``-th network of the
    ensemble there (from 0); ValueError with a reason when there is none."""
    from model.inside.activations import networks_inside
    from model.recognition.predictor import Predictor

    model = Predictor.load(path).model
    if member is None:
        return model
    members = [network for network in networks_inside(model).values() if network is not model]
    if not 0 <= member < len(members):
        raise ValueError(f"{path} has no member {member}: it holds {len(members)} (an ensemble's are 0 to n-1)")
    return members[member]


def make_ensemble(paths, data):
    """Load the models at ``paths``, average them, and measure the result: (model, card)."""
    from model.recognition.predictor import Predictor
    from model.storage import read_card

    members = [Predictor.load(path) for path in paths]
    model = average([member.model for member in members])
    predicted_labels = Predictor(model).predict_uint8(data.x_test)
    member_cards = [read_card(member.path) for member in members]
    architectures = [card.get("architecture", "?") for card in member_cards]
    return model, {
        "architecture": "ensemble",
        "description": f"The average of {len(members)} networks ({', '.join(architectures)})",
        "parameters": int(model.count_params()),
        "members": [
            {
                "file": member.path.name,
                **{key: card.get(key) for key in ("architecture", "seed", "epochs", "styled_digits", "test_accuracy")},
            }
            for member, card in zip(members, member_cards, strict=False)
        ],
        **measured_on_test_split(data, predicted_labels),
        "augment": any(card.get("augment") for card in member_cards),
        "epochs": max(card.get("epochs", 0) for card in member_cards),
        "created": created_now(),
    }
