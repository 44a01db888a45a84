# tests/ops — (tests added by the module's owner)
