# tests/reader — (tests added by the module's owner)
