# store.py — robocache.open(dir): a converted dataset's manifest read into episodes, splits,
# features and statistics, and its episodes' arrays read from the shards (h5py).
import builtins
import io
import json
import os

import h5py
import numpy as np

from ._filter import register


def _text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def _attr(obj, name, default=None):
    """Attribute `name` of an HDF5 object as Python text, number or list (None when absent)."""
    if name not in obj.attrs:
        return default
    v = obj.attrs[name]
    if isinstance(v, np.ndarray):
        return [_text(x) if isinstance(x, bytes) else x.item() for x in v]
    if isinstance(v, (bytes, np.bytes_)):
        return _text(v)
    return v.item() if isinstance(v, np.generic) else v


def as_float32_if_bfloat16(ds, a):
    """bfloat16 datasets hold the raw bits as uint16 (dtype attribute "bfloat16")."""
    if _attr(ds, "dtype") == "bfloat16":
        return (a.astype(np.uint32) << 16).view(np.float32)
    return a


def frames(data, start=0, stop=None):
    """Rows start..stop of an image output's `data` as uint8 frames [n, H, W, C]: as stored, or,
    for encoding jpeg (zero-padded JPEG rows, `jpeg_len` bytes each), decoded with Pillow."""
    if _attr(data, "encoding") != "jpeg":
        return data[start:stop]
    from PIL import Image  # python3-pil
    g = data.parent
    shape = tuple(int(v) for v in _attr(g, "frame_shape"))
    rows, lens = data[start:stop], g["jpeg_len"][start:stop]
    out = np.empty((len(rows),) + shape, np.uint8)
    for i in range(len(rows)):
        out[i] = np.asarray(Image.open(io.BytesIO(rows[i, :int(lens[i])].tobytes()))).reshape(shape)
    return out


def _outputs(group, prefix=""):
    """{output path: group} of the groups below an episode group that hold a `data` dataset."""
    out = {}
    for name in sorted(group.keys()):
        obj = group[name]
        if isinstance(obj, h5py.Group):
            path = prefix + name
            if isinstance(obj.get("data"), h5py.Dataset):
                out[path] = obj
            out.update(_outputs(obj, path + "/"))
    return out


def _feature(g):
    ds = g["data"]
    dtype = _attr(ds, "dtype") or ds.dtype.name
    shape = _attr(g, "frame_shape") if _attr(ds, "encoding") == "jpeg" else list(ds.shape[1:])
    return {"kind": _attr(g, "kind"), "dtype": dtype, "shape": shape,
            "names": _attr(ds, "names"), "rate_hz": _attr(g, "rate_hz")}


class Store:
    """A converted dataset: `root` is the folder of manifest.json and the shards."""

    def __init__(self, root):
        self.root = root
        path = os.path.join(root, "manifest.json")
        with builtins.open(path, encoding="utf-8") as f:
            self.manifest = json.load(f)
        if self.manifest.get("format") != "robocache-manifest":
            raise ValueError("%s: not a robocache manifest" % path)
        register()
        self.episodes = list(self.manifest["episodes"])
        self._check_layout()
        self.splits = {}
        for e in self.episodes:
            self.splits.setdefault(e["split"], []).append(e["id"])
        self.stats = self.manifest.get("stats") or {}
        self.fps = self.manifest.get("fps")
        self.features = self.manifest.get("features")
        if self.features is None:
            self.features = self._features_from_shard()
        self._by_id = {e["id"]: e for e in self.episodes}

    def _check_layout(self):
        """Refuses shards of another output.format: their groups are not /episodes/<id>."""
        if not self.episodes:
            return
        path = os.path.join(self.root, self.episodes[0]["shard"])
        if os.path.isdir(path):
            layout = "zarr"
        else:
            with h5py.File(path, "r") as f:
                layout = f.attrs.get("output_format", b"robocache")
            layout = layout.decode() if isinstance(layout, bytes) else str(layout)
        if layout != "robocache":
            raise ValueError("%s: output.format %s, not robocache; this reader reads the robocache "
                             "format only (read robomimic shards with robomimic's SequenceDataset, zarr "
                             "stores with zarr.open or diffusion_policy's ReplayBuffer)"
                             % (path, layout))

    def _features_from_shard(self):
        """Manifests older than `features`: the first episode's outputs describe them all."""
        if not self.episodes:
            return {}
        e = self.episodes[0]
        with h5py.File(os.path.join(self.root, e["shard"]), "r") as f:
            return {k: _feature(g) for k, g in _outputs(f["episodes"][e["id"]]).items()}

    def shard_path(self, episode_id):
        return os.path.join(self.root, self._by_id[episode_id]["shard"])

    def read(self, episode_id, key):
        """{"data", "t", and "valid" or "mask" where the output has them, and an image stage's
        "source_index" and "dt_ns"} of one output of one episode, as numpy arrays (bfloat16 data
        as float32, JPEG frames decoded)."""
        with h5py.File(self.shard_path(episode_id), "r") as f:
            g = f["episodes"][episode_id][key]
            out = {}
            if isinstance(g.get("data"), h5py.Dataset):
                out["data"] = as_float32_if_bfloat16(g["data"], frames(g["data"]))
            for name in ("t", "valid", "mask", "source_index", "dt_ns"):
                if isinstance(g.get(name), h5py.Dataset):
                    out[name] = g[name][()]
            return out

    def __repr__(self):
        return "robocache.Store(%r: %d episodes, splits %s, features %s)" % (
            self.root, len(self.episodes), {k: len(v) for k, v in self.splits.items()},
            list(self.features))


def open(root):
    """Opens the converted dataset in folder `root` (its manifest.json)."""
    return Store(root)
