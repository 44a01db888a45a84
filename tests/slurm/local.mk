# tests/slurm — pipelines/convert.sbatch on a real single-node Slurm started by the test (root,
# Debian slurm-wlm and munge; it fails, saying what is missing, without them).
TESTS += tests/slurm/test_slurm.sh
EXTRA_DIST += tests/slurm/test_slurm.sh
