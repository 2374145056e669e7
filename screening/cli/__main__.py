"""`python -m screening.cli`: the same as the `screening` command."""

from screening.cli import main

main()
