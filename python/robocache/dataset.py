# dataset.py — robocache.Dataset: a map-style dataset over the steps (or windows of steps) of
# one split, each item a dict of numpy arrays: `<key>` and `<key>_valid` per requested output.
# Files are opened lazily in the process that reads, so each torch DataLoader worker opens its
# own HDF5 handles (handles inherited through fork are dropped, and none are pickled).
import os

import h5py
import numpy as np

from .store import Store, as_float32_if_bfloat16, frames

CHUNK_CACHE_BYTES = 32 << 20


class Dataset:
    """Items of one split of the dataset in `root`.

    keys: the outputs to return (default: every fuse, resample, window and image output).  Each
    must have one row per timeline step (voxel outputs have one per cloud frame).
    window=None: one item per step, `stride` steps apart; arrays have the output's step shape.
    window=W: one item per W consecutive steps starting every `stride` steps inside the episode
    (an episode shorter than W gives one item, zero-padded); arrays have a leading axis W.
    `<key>_valid` (bool) marks the rows to train on: the fuse `valid` flags, the window-method
    `mask` slots, False on padding, True otherwise.
    normalize=True: outputs with statistics are returned as float32 (x - mean) / std with the
    train split's statistics (all episodes' when train has none); constant columns divide by 1.
    """

    def __init__(self, root, split="train", keys=None, window=None, stride=1, normalize=False):
        if window is not None and window < 1:
            raise ValueError("window must be None or at least 1")
        if stride < 1:
            raise ValueError("stride must be at least 1")
        store = Store(root)
        self.root = root
        self.split = split
        self.keys = list(keys) if keys is not None else [
            k for k, f in store.features.items() if f.get("kind") in ("fuse", "resample", "window", "image")]
        for k in self.keys:
            if k not in store.features:
                raise KeyError("%s: no output %r (outputs: %s)" % (root, k, ", ".join(store.features)))
        self.window = window
        self.stride = stride
        self.episodes = [e for e in store.episodes if split is None or e["split"] == split]
        w = window or 1
        ep, start = [], []
        for k, e in enumerate(self.episodes):
            s = np.arange(0, max(int(e["steps"]) - w, 0) + 1, stride, dtype=np.int64)
            ep.append(np.full(len(s), k, dtype=np.int64))
            start.append(s)
        self._ep = np.concatenate(ep) if ep else np.zeros(0, np.int64)
        self._start = np.concatenate(start) if start else np.zeros(0, np.int64)
        self._norm = {}
        if normalize:
            for k in self.keys:
                st = store.stats.get(k)
                if not st:
                    continue
                if st.get("train", {}).get("count") and max(st["train"]["count"]) > 0:
                    st = st["train"]
                mean = np.array([np.nan if v is None else v for v in st["mean"]], dtype=np.float32)
                std = np.array([np.nan if v is None else v for v in st["std"]], dtype=np.float32)
                self._norm[k] = (np.nan_to_num(mean), np.where(np.isfinite(std) & (std > 0), std, 1))
        self._pid = None
        self._files = {}
        self._sets = {}

    def __len__(self):
        return len(self._ep)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_pid"], state["_files"], state["_sets"] = None, {}, {}
        return state

    def _datasets(self, k, key):
        """(data, valid-or-mask or None) h5py datasets of output `key` of episode k, opened once
        per process (an open dataset keeps HDF5's chunk cache across items)."""
        if self._pid != os.getpid():
            self._pid, self._files, self._sets = os.getpid(), {}, {}
        found = self._sets.get((k, key))
        if found is None:
            e = self.episodes[k]
            f = self._files.get(e["shard"])
            if f is None:
                f = h5py.File(os.path.join(self.root, e["shard"]), "r", rdcc_nbytes=CHUNK_CACHE_BYTES)
                self._files[e["shard"]] = f
            g = f["episodes"][e["id"]][key]
            data = g["data"]
            if data.shape[0] != int(e["steps"]):
                raise ValueError("%s: episode %s output %r has %d rows, not one per step (%d)"
                                 % (e["shard"], e["id"], key, data.shape[0], e["steps"]))
            flags = g.get("valid") if "valid" in g else g.get("mask")
            found = (data, flags)
            self._sets[(k, key)] = found
        return found

    def __getitem__(self, i):
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        k, s = int(self._ep[i]), int(self._start[i])
        steps = int(self.episodes[k]["steps"])
        w = self.window or 1
        n = min(w, steps - s)
        item = {}
        for key in self.keys:
            data, flags = self._datasets(k, key)
            x = as_float32_if_bfloat16(data, frames(data, s, s + n))
            valid = flags[s:s + n] != 0 if flags is not None else np.ones(n, dtype=bool)
            if n < w:
                x = np.concatenate([x, np.zeros((w - n,) + x.shape[1:], x.dtype)])
                valid = np.concatenate([valid, np.zeros((w - n,) + valid.shape[1:], bool)])
            if key in self._norm:
                mean, std = self._norm[key]
                x = (x.astype(np.float32) - mean) / std
            if self.window is None:
                x, valid = x[0], valid[0]
            item[key] = x
            item[key + "_valid"] = valid
        return item
