# src/compress — (sources added by the module's owner)
