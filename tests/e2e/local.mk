# tests/e2e — (tests added by the module's owner)
