# src/writer — output shards (rc_shard: temporary name, zstd chunks, fsync, rename), their reader
# for inspect/verify (rc_shard_read), the content digest, and the manifest.
librobocache_a_SOURCES += \
	src/writer/rc_elem.c src/writer/rc_writer.h \
	src/writer/rc_shard.c \
	src/writer/rc_shard_read.c \
	src/writer/rc_h5.c src/writer/rc_h5_int.h \
	src/writer/rc_digest.c src/writer/rc_digest_int.h \
	src/writer/rc_durable.c src/writer/rc_durable_int.h \
	src/writer/rc_manifest.c \
	src/writer/rc_manifest_read.c \
	src/writer/rc_attrs.c \
	src/writer/rc_features.c \
	src/writer/rc_mimic.c src/writer/rc_mimic_int.h \
	src/writer/rc_zarr.c src/writer/rc_zarr_read.c src/writer/rc_zarr_int.h
