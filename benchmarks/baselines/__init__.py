"""The baselines: the obvious pandas + networkx + pyvis way of doing each stage."""
