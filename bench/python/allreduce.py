"""torch.distributed (gloo) all-reduce timing, the PyTorch side of bench/ddp.sh (same sizes and protocol as
MedLearn.Bench --mode allreduce). Run with RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT set; args: MB_LIST REPS."""
import sys
import time

import torch
import torch.distributed as dist

sizes = [float(s) for s in sys.argv[1].split(",")]
reps = int(sys.argv[2])
torch.set_num_threads(1)
dist.init_process_group("gloo", init_method="env://")
n = dist.get_world_size()
for size in sizes:
    t = torch.ones(int(size * (1 << 20) / 4))
    for _ in range(3):
        dist.all_reduce(t)
    dist.barrier()
    t0 = time.perf_counter()
    for _ in range(reps):
        dist.all_reduce(t)
    seconds = (time.perf_counter() - t0) / reps
    bus = 2.0 * (n - 1) / n * size * (1 << 20) / seconds / 1e9
    if dist.get_rank() == 0:
        print(f"RESULT mode=allreduce side=pytorch world={n} mb={size:g} ms={seconds * 1000:.3f} bus_gb_per_s={bus:.3f}", flush=True)
dist.destroy_process_group()
