# src/reader — (sources added by the module's owner)
