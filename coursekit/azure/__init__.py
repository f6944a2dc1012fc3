"""Stage 7: Azure ML — GPU training jobs and managed online endpoints.

:mod:`.specs` builds the resources with the azure-ai-ml SDK (offline), :mod:`.plan`
validates them and prices them, :mod:`.workspace` finds the workspace and credentials,
:mod:`.cloud` acts on a real workspace, :mod:`.redact` keeps secrets out of output.
Heavy SDK imports happen inside the functions.
"""
