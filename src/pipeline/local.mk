# src/pipeline — (sources added by the module's owner)
