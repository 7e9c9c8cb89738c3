"""Data-parallel training: two CPU processes with gloo, started as torchrun would start them."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from pathlib import Path

import pandas as pd
import pytest
import torch
import torch.multiprocessing as mp

from synthloom.training import distributed

WORLD = 2
EPOCHS = 2


def _weights_hash(tensors) -> str:
    digest = hashlib.sha256()
    for tensor in tensors:
        digest.update(tensor.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _worker(rank: int, ports: tuple[int, int], data: str, out: str) -> None:
    """One rank: torchrun's environment, then the ordinary Python API, twice with the same seed."""
    import torch.distributed as dist

    from synthloom import get_model

    torch.set_num_threads(1)
    os.environ.update(MASTER_ADDR="127.0.0.1", RANK=str(rank), WORLD_SIZE=str(WORLD), LOCAL_RANK=str(rank))
    frame, results = pd.read_parquet(data), []
    for attempt, port in enumerate(ports):
        os.environ["MASTER_PORT"] = str(port)
        if attempt == 1:
            dist.init_process_group("gloo")  # a group the caller set up is used as it is
        model = get_model("ctgan", epochs=EPOCHS, batch_size=100, device="cpu", random_state=0).fit(frame)
        model.save(Path(out) / f"model{attempt}-rank{rank}.synthloom")  # only rank 0 writes
        results.append(
            {"weights": _weights_hash(model._tensors().values()), "epochs": len(model.loss_history_)}
        )
    streamed = get_model("tvae", epochs=EPOCHS, batch_size=50, device="cpu", random_state=0)
    streamed.fit_file(data, chunk_rows=150).save(Path(out) / f"streamed-rank{rank}.synthloom")
    results.append(
        {"weights": _weights_hash(streamed._tensors().values()), "epochs": len(streamed.loss_history_)}
    )
    results.append({"weights": _image_model_hash(out, rank)})
    dist.destroy_process_group()
    (Path(out) / f"rank{rank}.json").write_text(json.dumps(results))


def _image_model_hash(out: str, rank: int) -> str:
    """An image GAN under the same group: 64 random 8x8 images, one epoch."""
    from synthloom.models.dcgan import DCGAN

    images = torch.rand(64, 8, 8, generator=torch.Generator().manual_seed(0)).numpy()
    model = DCGAN(epochs=1, batch_size=16, device="cpu", random_state=0).fit(images)
    model.save(Path(out) / f"image-rank{rank}.synthloom")
    return _weights_hash(t for module in model._modules().values() for t in module.state_dict().values())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def ddp_run(tmp_path_factory, default_frame):
    out = tmp_path_factory.mktemp("ddp")
    data = out / "real.parquet"
    default_frame.iloc[:400].to_parquet(data)
    mp.spawn(_worker, args=((_free_port(), _free_port()), str(data), str(out)), nprocs=WORLD, join=True)
    return out, [json.loads((out / f"rank{r}.json").read_text()) for r in range(WORLD)]


def test_two_gloo_processes_train_one_model(ddp_run, default_frame):
    from synthloom import load

    out, (rank0, rank1) = ddp_run
    assert rank0[0]["epochs"] == rank1[0]["epochs"] == EPOCHS
    assert rank0[0]["weights"] == rank1[0]["weights"]  # averaged gradients keep the ranks in step
    written = sorted(p.name for p in out.glob("*.synthloom"))
    assert written == [
        "image-rank0.synthloom",
        "model0-rank0.synthloom",
        "model1-rank0.synthloom",
        "streamed-rank0.synthloom",
    ]
    model = load(out / "model0-rank0.synthloom")
    fake = model.sample(300, random_state=1)
    assert list(fake.columns) == list(default_frame.columns) and len(fake) == 300
    assert set(fake["student"]) <= set(default_frame["student"]) and fake["balance"].notna().all()
    # sampling follows the category counts of both shards together, not of rank 0's half
    assert int(model.sampler_.counts.sum()) == 400 * len(model.sampler_.spans)


def test_streamed_file_trains_in_step(ddp_run):
    from synthloom import load

    out, (rank0, rank1) = ddp_run
    assert rank0[2] == rank1[2] and rank0[2]["epochs"] == EPOCHS
    assert len(load(out / "streamed-rank0.synthloom").sample(50, random_state=0)) == 50


def test_image_generator_trains_in_step(ddp_run):
    import synthloom.models.dcgan  # noqa: F401  (registers the image generators)
    from synthloom import load

    out, (rank0, rank1) = ddp_run
    assert rank0[3] == rank1[3]
    assert load(out / "image-rank0.synthloom").sample(4, random_state=0).shape == (4, 8, 8)


def test_same_seed_same_world_same_model(ddp_run, default_frame):
    from synthloom import get_model

    _, (rank0, _) = ddp_run
    assert rank0[0]["weights"] == rank0[1]["weights"]
    single = get_model("ctgan", epochs=EPOCHS, batch_size=100, device="cpu", random_state=0)
    assert (
        _weights_hash(single.fit(default_frame.iloc[:400])._tensors().values()) != rank0[0]["weights"]
    )  # it did shard


def test_without_torchrun_nothing_changes(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    with distributed.process_group(torch.device("cpu")):
        assert not distributed.is_distributed() and distributed.world_size() == 1
    matrix = torch.arange(6).reshape(3, 2).numpy()
    assert (distributed.shard(matrix) == matrix).all() and distributed.broadcast_object({"a": 1}) == {"a": 1}
    assert distributed.rank_seed(7) == 7 and distributed.is_main_process()
