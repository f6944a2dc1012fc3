"""CLI sub-commands, one module per stage; each exposes ``add_parser(subparsers)``."""
