# tests/spec — (tests added by the module's owner)
