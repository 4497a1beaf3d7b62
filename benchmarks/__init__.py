"""The benchmark suite of gongjian: every stage against the obvious way, in the same run.

``python -m benchmarks`` runs each stage in a fresh process per repeat, measures wall
time and peak memory, and prints one table (see ``docs/performance.md``). The baselines
in :mod:`benchmarks.baselines` are the straightforward pandas + networkx + pyvis scripts a
competent analyst would write in an afternoon.
"""

#: Modules of stages, in the order of the table (each has ``stages(data)``).
STAGE_MODULES: tuple[str, ...] = ("build", "analyses", "lists", "pipeline", "change", "pages",
                                 "stores", "memory")
