"""Golden results for tensor ops (shape, indexing, math, reductions, linear algebra).

Run with Debian's torch: /usr/bin/python3 gen_ops.py (or tools/golden/regen.sh).
Inputs are random with a fixed seed and stored next to the results, so the C# tests feed the same numbers.
"""
import torch

from golden import Golden

torch.manual_seed(1234)
g = Golden("ops")

# --- inputs ----------------------------------------------------------------------------------------------
x = g.tensor("x", torch.randn(3, 4, 5))                      # general float32 input
pos = g.tensor("pos", torch.rand(3, 4) * 2 + 0.1)            # strictly positive
y = g.tensor("y", torch.randn(3, 4))
z = g.tensor("z", torch.randn(3, 4))
ties = g.tensor("ties", torch.randint(0, 3, (2, 8)))         # int64 with many ties (stable sort)
a = g.tensor("a", torch.randn(2, 3, 4))
b = g.tensor("b", torch.randn(2, 4, 5))
sq = g.tensor("sq", torch.randn(4, 4))

# --- math ------------------------------------------------------------------------------------------------
g.tensor("softmax_x_1", torch.softmax(x, 1))
g.tensor("log_softmax_x_m1", torch.log_softmax(x, -1))
g.tensor("exp_y", y.exp())
g.tensor("log1p_pos", pos.log1p())
g.tensor("rsqrt_pos", pos.rsqrt())
g.tensor("sigmoid_y", y.sigmoid())
g.tensor("tanh_y", y.tanh())
g.tensor("expm1_y", y.expm1())
g.tensor("pow_pos_y", pos.pow(y))
g.tensor("pow_y_3", y.pow(3))
g.tensor("rpow_2_y", torch.pow(2.0, y))
g.tensor("remainder_y_0.7", torch.remainder(y * 3, 0.7))
g.tensor("fmod_y_0.7", torch.fmod(y * 3, 0.7))
g.tensor("rdiv_2_pos", 2.0 / pos)
g.tensor("clamp_y", y.clamp(-0.5, 0.3))
g.tensor("clamp_min_y", y.clamp(min=0.1))
g.tensor("lerp_y_z_0.3", torch.lerp(y, z, 0.3))
g.tensor("addcdiv_y_z_pos", torch.addcdiv(y, z, pos, value=0.5))
g.tensor("addcmul_y_z_pos", torch.addcmul(y, z, pos, value=-2.0))
g.tensor("maximum_y_z", torch.maximum(y, z))
g.tensor("minimum_y_z", torch.minimum(y, z))
g.tensor("round_y4", (y * 4).round())

# --- reductions ------------------------------------------------------------------------------------------
g.tensor("std_x_02", x.std(dim=(0, 2)))
g.tensor("std_x_all", x.std())
g.tensor("std_x_1_c0_keep", x.std(dim=1, correction=0, keepdim=True))
g.tensor("var_x_1_c0_keep", x.var(dim=1, unbiased=False, keepdim=True))
g.tensor("var_x_2", x.var(dim=2))
g.tensor("var_x_all_biased", x.var(unbiased=False))
g.tensor("norm_x_3_12", torch.linalg.vector_norm(x, 3, dim=(1, 2)))
g.tensor("norm_x_2_all", torch.linalg.vector_norm(x))
g.tensor("norm_x_inf_all", torch.linalg.vector_norm(x, float("inf")))
g.tensor("norm_x_1_0_keep", torch.linalg.vector_norm(x, 1, dim=0, keepdim=True))
g.tensor("logsumexp_x_02", torch.logsumexp(x, dim=(0, 2)))
g.tensor("logsumexp_x_all", torch.logsumexp(x, dim=(0, 1, 2)))
g.tensor("sum_x_12_keep", x.sum(dim=(1, 2), keepdim=True))
g.tensor("mean_x_0", x.mean(dim=0))
g.tensor("sum_x_f64", x.sum(dtype=torch.float64))
g.tensor("prod_y_1", y.prod(dim=1))
g.tensor("cumsum_x_1", x.cumsum(1))
mx = x.max(dim=2)
g.tensor("max_x_2_values", mx.values)
g.tensor("max_x_2_indices", mx.indices)
mn = x.min(dim=0, keepdim=True)
g.tensor("min_x_0_values", mn.values)
g.tensor("min_x_0_indices", mn.indices)
g.tensor("argmax_x_1", x.argmax(1))
g.tensor("argmin_x_flat", x.argmin())
md = y.median(dim=1)
g.tensor("median_y_1_values", md.values)
g.tensor("median_y_1_indices", md.indices)
tk = x.topk(3, dim=1)
g.tensor("topk_x_3_1_values", tk.values)
g.tensor("topk_x_3_1_indices", tk.indices)
tks = x.topk(2, dim=-1, largest=False)
g.tensor("topk_x_2_small_values", tks.values)
g.tensor("topk_x_2_small_indices", tks.indices)
st = x.sort(dim=-1, descending=True)
g.tensor("sort_x_desc_values", st.values)
g.tensor("sort_x_desc_indices", st.indices)
sts = ties.sort(dim=1, stable=True)
g.tensor("sort_ties_stable_values", sts.values)
g.tensor("sort_ties_stable_indices", sts.indices)
g.tensor("argsort_ties_stable_desc", torch.argsort(ties, dim=1, descending=True, stable=True))

# --- linear algebra --------------------------------------------------------------------------------------
g.tensor("einsum_bij_bjk", torch.einsum("bij,bjk->bik", a, b))
g.tensor("einsum_trace", torch.einsum("ii->", sq))
g.tensor("einsum_bij_j", torch.einsum("bij->j", a))
g.tensor("bmm_a_b", torch.bmm(a, b))
g.tensor("mm_sq_sq", torch.mm(sq, sq))
g.tensor("outer_y0_z1", torch.outer(y[0], z[1]))

# --- indexing --------------------------------------------------------------------------------------------
gidx = g.tensor("gather_idx", torch.randint(0, 5, (3, 4, 2)))
g.tensor("gather_x_2", x.gather(2, gidx))
sidx = g.tensor("scatter_idx", torch.stack([torch.randperm(4) for _ in range(3)]))   # unique per row
g.tensor("scatter_zeros_1_y", torch.zeros(3, 4).scatter(1, sidx, y))
g.tensor("scatter_y_1_val", y.scatter(1, sidx[:, :2], -7.0))
aidx = g.tensor("scatter_add_idx", torch.randint(0, 3, (3, 4)))                   # repeated indices
g.tensor("scatter_add_zeros_1_y", torch.zeros(3, 3).scatter_add(1, aidx, y))
isel = g.tensor("index_select_idx", torch.tensor([3, 0, 0, 2]))
g.tensor("index_select_x_1", x.index_select(1, isel))
g.tensor("masked_select_y_pos", y.masked_select(y > 0))
g.tensor("masked_fill_y_neg", y.masked_fill(y < 0, 0.25))
g.tensor("roll_x_2_1", x.roll(2, 1))
g.tensor("roll_y_flat_5", y.roll(5))

g.save()
