# src/writer — (sources added by the module's owner)
