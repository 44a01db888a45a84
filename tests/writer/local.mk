# tests/writer — (tests added by the module's owner)
