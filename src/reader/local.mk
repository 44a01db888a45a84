# src/reader — input files: the file list (rc_input_list.c), the episode reader for every layout
# format (rc_reader.c), the checked dataset reads (reader_h5.c) and the /data/demo_N list with
# robomimic filter keys (reader_demos.c).
librobocache_a_SOURCES += \
	src/reader/rc_reader.h src/reader/reader_int.h src/reader/rc_input_list.c \
	src/reader/rc_reader.c src/reader/reader_h5.c src/reader/reader_demos.c \
	src/reader/reader_names.c
