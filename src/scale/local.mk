# src/scale — sharded runs (SPEC section 8, docs/SLURM.md): which task (--shard, Slurm env), the
# partition of episodes, task file names, --resume, the exact run statistics and merge-manifests.
librobocache_a_SOURCES += \
	src/scale/rc_task.c src/scale/rc_task.h src/scale/rc_task_int.h \
	src/scale/rc_task_id.c src/scale/rc_resume.c src/scale/rc_task_split.c \
	src/scale/rc_run_stats.c src/scale/rc_run_stats.h \
	src/scale/rc_merge.c src/scale/rc_merge.h
