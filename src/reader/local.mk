# src/reader — input files: the file list (rc_input_list.c), the episodes of a file listed in a
# reader process (rc_reader_list.c), the episode reader for every layout
# format (rc_reader.c), the checked dataset reads (reader_h5.c) and the /data/demo_N list with
# robomimic filter keys (reader_demos.c), JPEG camera rows (reader_jpeg.c), the rule that reads stay inside the file
# (reader_links.c), and direct reads outside HDF5's data path
# (rc_direct*.c: plan under the HDF5 lock, pread with read-ahead + filter decoding without it).
librobocache_a_SOURCES += \
	src/reader/rc_reader.h src/reader/reader_int.h src/reader/rc_input_list.c \
	src/reader/rc_reader.c src/reader/reader_h5.c src/reader/reader_demos.c src/reader/reader_discover.c src/reader/rc_input_discover.c \
	src/reader/rc_reader_list.c \
	src/reader/rc_direct_int.h src/reader/rc_direct.c src/reader/rc_direct_plan.c \
	src/reader/rc_direct_exec.c src/reader/rc_direct_ahead.c src/reader/rc_direct_decode_int.h src/reader/rc_direct_decode.c \
	src/reader/reader_links.c \
	src/reader/reader_names.c \
	src/reader/reader_jpeg.c
