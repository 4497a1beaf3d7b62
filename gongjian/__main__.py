"""``python -m gongjian``: the command line."""

from gongjian.cli import main

main()
