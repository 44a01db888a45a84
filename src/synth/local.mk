# src/synth — synthetic robocache-raw shards (docs/SPEC.md §5): presets and the shard loop,
# the episode model, LiDAR sweeps, camera frames and ALOHA files, the PRNG and the HDF5 write helpers.
librobocache_a_SOURCES += \
	src/synth/rc_synth.c src/synth/rc_synth.h src/synth/synth_int.h \
	src/synth/synth_rng.c src/synth/synth_model.c src/synth/synth_lidar.c src/synth/synth_h5.c \
	src/synth/synth_camera.c src/synth/synth_aloha.c
