"""Commands over a batch's output folder, one module each, found by ``cli.py`` at start-up.

A module here defines ``add_parser(commands: argparse._SubParsersAction) -> None``; the parser
it adds calls ``set_defaults(run=function)`` where ``function(args) -> int`` returns the exit
code. Keep imports at module level to argparse and the standard library: heavy modules are
imported inside ``run`` so that ``extractor --help`` stays fast.
"""
