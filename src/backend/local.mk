# src/backend — (sources added by the module's owner)
