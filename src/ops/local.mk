# src/ops — (sources added by the module's owner)
