# tests/synth — (tests added by the module's owner)
