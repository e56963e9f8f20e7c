"""The command line: ``python -m model {train,evaluate,predict,gate,numbers,ensemble,sample}``."""
