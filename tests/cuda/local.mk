# tests/cuda — (tests added by the module's owner)
