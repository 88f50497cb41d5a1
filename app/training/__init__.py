"""After "fine-tune": what it takes to train, and where it can still be done.

Pure Python, no web or database: the GPU table, the memory/time estimator, the base-model
candidates, the plan built from a verdict and a dataset profile, and the configs it generates.
"""
