"""One rank of a torch.distributed (gloo) job joining a MedLearn job: the interoperability test's peer.

Usage: RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=P python3 python_rank.py N
Joins with init_process_group("gloo", "env://"), all-reduces N floats equal to rank+1, prints "sum <first>",
then all-gathers rank*10 and prints "gathered a,b". Exactly what the MedLearn worker's "allreduce" mode does.
"""
import datetime
import os
import sys

import torch
import torch.distributed as dist

n = int(sys.argv[1])
timeout = float(os.environ.get("MEDLEARN_DIST_TIMEOUT", "30"))
dist.init_process_group("gloo", init_method="env://", timeout=datetime.timedelta(seconds=timeout))
rank = dist.get_rank()
t = torch.full((n,), float(rank + 1))
dist.all_reduce(t, op=dist.ReduceOp.SUM)
print(f"sum {t[0].item():g} min {t.min().item():g} max {t.max().item():g}", flush=True)
r = torch.tensor([rank * 10], dtype=torch.int64)
out = [torch.zeros(1, dtype=torch.int64) for _ in range(dist.get_world_size())]
dist.all_gather(out, r)
print("gathered " + ",".join(str(int(o.item())) for o in out), flush=True)
dist.destroy_process_group()
