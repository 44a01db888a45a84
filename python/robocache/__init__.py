# robocache — reads the shards and manifest robocache-convert writes (docs/FORMAT.md).
#   ds = robocache.open("train")          episodes, splits, features, stats
#   robocache.Dataset("train", split="train", keys=["observation", "action"])
#                                         a map-style dataset (numpy dicts), usable in a torch
#                                         DataLoader with worker processes
# Pure Python on h5py and numpy; importing it makes the zstd filter available to h5py.
from ._filter import plugin_dir, register as _register
from .store import Store, open
from .dataset import Dataset

_register()

__all__ = ["open", "Store", "Dataset", "plugin_dir"]
