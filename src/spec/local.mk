# src/spec — (sources added by the module's owner)
