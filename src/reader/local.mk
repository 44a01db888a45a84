# src/reader — robocache-raw input: the file list (rc_input_list.c), the shard/episode reader
# (rc_reader.c) and the checked dataset reads (reader_h5.c).
librobocache_a_SOURCES += \
	src/reader/rc_reader.h src/reader/reader_int.h src/reader/rc_input_list.c \
	src/reader/rc_reader.c src/reader/reader_h5.c
