# src/task — the tasks of a run (docs/SPEC.md §8, docs/SLURM.md): which task (--shard, Slurm env),
# the partition of episodes, task file names, --resume and merge-manifests.  Every run goes
# through it, sharded or not.
librobocache_a_SOURCES += \
	src/task/rc_task.c src/task/rc_task.h src/task/rc_task_int.h \
	src/task/rc_task_id.c src/task/rc_task_split.c src/task/rc_partition.c src/task/rc_task_names.c \
	src/task/rc_task_output.c src/task/rc_task_lock.c src/task/rc_task_state.c src/task/rc_resume.c \
	src/task/rc_merge.c
