"""What a stroke needs, from pixels to an answer: preprocessing, the predictor and its gate, the number
reader. Nothing here imports how models are made (``model/making/``)."""
