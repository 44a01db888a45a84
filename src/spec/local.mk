# src/spec — the pipeline spec: YAML -> validated rc_spec (driven by schemas/pipeline.schema.yaml),
# and the input layouts of schemas/layouts/.  The schemas are installed so an installed
# robocache-convert finds them in $(pkgdatadir)/schemas.
librobocache_a_SOURCES += \
	src/spec/rc_spec.c src/spec/rc_spec.h src/spec/rc_split.c \
	src/spec/rc_layout.c src/spec/rc_layout_file.c src/spec/rc_offset.c \
	src/spec/rc_schema.c src/spec/rc_schema_int.h \
	src/spec/rc_yaml.c src/spec/rc_yaml_int.h \
	src/spec/rc_diag.c src/spec/rc_diag_int.h \
	src/spec/rc_size.c \
	src/spec/rc_suggest.c src/spec/rc_suggest_int.h
nobase_dist_pkgdata_DATA = schemas/pipeline.schema.yaml schemas/layouts/robocache-raw.yaml \
	schemas/layouts/robomimic.yaml schemas/layouts/aloha.yaml schemas/layouts/robosuite.yaml
