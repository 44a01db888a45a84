"""make_layouts.py — writes small HDF5 files to the published robomimic and ALOHA layouts with
h5py, for the layout tests (the real datasets are gigabytes).  The structure follows the
formats as their projects write them:
  robomimic (robomimic docs, "Dataset Structure"): /data attrs total, env_args (JSON);
    /data/demo_N attrs num_samples; obs/<key> and next_obs/<key> [S, D]; actions [S, A];
    rewards [S]; dones [S]; states [S, M]; /mask/<key> = 1-D bytes strings of demo names.
  ALOHA (tonyzhaozh/act record_sim_episodes.py, aloha's record_episodes.py): one episode per
    file, attrs sim; /observations/qpos, qvel, effort [S, 14]; /observations/images/<cam>
    uint8 [S, H, W, 3] chunked one frame per chunk; /action [S, 14].
Values are random but reproducible (numpy seed); quaternions are unit, in robosuite's x, y, z, w
order, with sign flips between neighbours (q and -q are one rotation)."""
import json

import h5py
import numpy as np


def unit_quats_xyzw(rng, S):
    """S unit quaternions (x, y, z, w) of a slow rotation, every third one negated."""
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    ang = np.cumsum(rng.uniform(0.01, 0.2, size=S))
    q = np.concatenate([np.outer(np.sin(ang / 2), axis), np.cos(ang / 2)[:, None]], axis=1)
    q[::3] *= -1
    return q


def robomimic_demo(rng, S, object_dim=10):
    """One demo's datasets as a dict path -> array (robomimic low-dim keys of a Panda task)."""
    d = {
        "obs/robot0_eef_pos": rng.uniform(-0.5, 0.5, size=(S, 3)),
        "obs/robot0_eef_quat": unit_quats_xyzw(rng, S),
        "obs/robot0_gripper_qpos": rng.uniform(-0.04, 0.04, size=(S, 2)),
        "obs/robot0_joint_pos": rng.uniform(-2.5, 2.5, size=(S, 7)),
        "obs/object": rng.normal(size=(S, object_dim)),
        "actions": rng.uniform(-1, 1, size=(S, 7)),
        "rewards": (np.arange(S) == S - 1).astype(np.float64),
        "dones": (np.arange(S) == S - 1).astype(np.int64),
        "states": rng.normal(size=(S, 32)),
    }
    return d


def make_robomimic(path, lengths, seed=1, masks=None, float32_obs=False, image_hw=None):
    """Writes demos demo_0 .. demo_{n-1} with the given lengths (written in a shuffled order so
    the file's own order is not the numeric one).  masks: {key: [demo names]}.  Returns
    {demo name: {path: array as stored}}."""
    rng = np.random.default_rng(seed)
    demos = {}
    with h5py.File(path, "w") as f:
        data = f.create_group("data")
        data.attrs["total"] = int(sum(lengths))
        data.attrs["env_args"] = json.dumps({"env_name": "Lift", "type": 1, "env_kwargs": {"control_freq": 20}})
        order = rng.permutation(len(lengths))
        for i in order:
            name = "demo_%d" % i
            g = data.create_group(name)
            g.attrs["num_samples"] = int(lengths[i])
            arrs = robomimic_demo(rng, lengths[i])
            if image_hw:
                arrs["obs/agentview_image"] = rng.integers(0, 256, size=(lengths[i],) + tuple(image_hw) + (3,),
                                                           dtype=np.uint8)
            stored = {}
            for key, a in arrs.items():
                if float32_obs and key.startswith("obs/"):
                    a = a.astype(np.float32)
                g.create_dataset(key, data=a)
                stored[key] = a
                if key.startswith("obs/"):
                    g.create_dataset("next_" + key, data=np.roll(a, -1, axis=0))
            demos[name] = stored
        if masks:
            m = f.create_group("mask")
            for key, names in masks.items():
                m.create_dataset(key, data=np.array([n.encode() for n in names], dtype="S"))
    return demos


def make_aloha(path, S, seed=2, cams=("cam_high", "cam_left_wrist"), hw=(12, 16), joints=14):
    """Writes one ALOHA episode; returns {path: array as stored}."""
    rng = np.random.default_rng(seed)
    out = {
        "observations/qpos": rng.uniform(-1.5, 1.5, size=(S, joints)),
        "observations/qvel": rng.normal(size=(S, joints)),
        "observations/effort": rng.normal(scale=3.0, size=(S, joints)),
        "action": rng.uniform(-1.5, 1.5, size=(S, joints)),
    }
    with h5py.File(path, "w") as f:
        f.attrs["sim"] = False
        for key, a in out.items():
            f.create_dataset(key, data=a)
        for cam in cams:
            img = rng.integers(0, 256, size=(S, hw[0], hw[1], 3), dtype=np.uint8)
            f.create_dataset("observations/images/" + cam, data=img, chunks=(1, hw[0], hw[1], 3))
            out["observations/images/" + cam] = img
    return out
