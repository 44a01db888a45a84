# src/synth — (sources added by the module's owner)
