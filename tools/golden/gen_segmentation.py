"""Golden values for MedLearn.Metrics.Segmentation and MedLearn.Morphology (scipy.ndimage 1.10 as the oracle).

Writes tests/MedLearn.Tests/Golden/segmentation.json. Each case stores a predicted and a reference mask (uint8),
the spacing, and the answers of scipy / medpy's formulas:
- distance transform: scipy.ndimage.distance_transform_edt(~mask, sampling=spacing) (distance to the mask);
- surface: mask XOR binary_erosion(mask, generate_binary_structure(ndim, 1)) (border_value 0);
- directed surface distances as medpy.metric.binary.__surface_distances;
- hd95 = percentile(hstack(d_pg, d_gp), 95); asd = mean(d_pg); assd = (mean(d_pg) + mean(d_gp)) / 2;
- dice = 2|P&G| / (|P| + |G|), jaccard = |P&G| / |P|G|.
Also the ground-truth signed distance map of the UG-MCL method (methods.md section 3), computed as the reference
code's compute_sdf does (skimage.segmentation.find_boundaries(mode='inner') for the zeroed boundary).
"""
import numpy as np
import scipy
import torch
from scipy import ndimage

from golden import Golden

g = Golden("segmentation", suite="MedLearn.Tests")
g.value("scipy", scipy.__version__)


def surface(m):
    st = ndimage.generate_binary_structure(m.ndim, 1)
    return m ^ ndimage.binary_erosion(m, structure=st, iterations=1)


def directed(a, b, spacing):
    dt = ndimage.distance_transform_edt(~surface(b), sampling=spacing)
    return dt[surface(a)]


def blob(shape, rs, n=3):
    """A union of random ellipsoids (smooth, irregular foreground)."""
    grid = np.indices(shape).astype(np.float64)
    m = np.zeros(shape, dtype=bool)
    for _ in range(n):
        c = [rs.uniform(0.25 * s, 0.75 * s) for s in shape]
        r = [rs.uniform(0.12 * s, 0.3 * s) for s in shape]
        m |= sum(((grid[i] - c[i]) / r[i]) ** 2 for i in range(len(shape))) <= 1
    return m


def case(name, p, t, spacing):
    g.tensor(f"{name}_pred", torch.from_numpy(p.astype(np.uint8)))
    g.tensor(f"{name}_truth", torch.from_numpy(t.astype(np.uint8)))
    g.value(f"{name}_spacing", list(spacing))
    inter = np.logical_and(p, t).sum()
    g.value(f"{name}_dice", float(2 * inter / (p.sum() + t.sum())))
    g.value(f"{name}_jaccard", float(inter / np.logical_or(p, t).sum()))
    g.tensor(f"{name}_edt_truth", torch.from_numpy(ndimage.distance_transform_edt(~t, sampling=spacing)))
    g.tensor(f"{name}_surface_truth", torch.from_numpy(surface(t).astype(np.uint8)))
    for unit, sp in (("mm", spacing), ("vox", [1.0] * p.ndim)):
        pg, gp = directed(p, t, sp), directed(t, p, sp)
        g.value(f"{name}_hd95_{unit}", float(np.percentile(np.hstack((pg, gp)), 95)))
        g.value(f"{name}_asd_{unit}", float(pg.mean()))
        g.value(f"{name}_assd_{unit}", float((pg.mean() + gp.mean()) / 2))


rs = np.random.RandomState(14)
shape = (12, 20, 18)
t = blob(shape, rs)
p = ndimage.binary_dilation(t, iterations=1) & ~blob(shape, rs, 1)
case("blobs_aniso", p, t, [2.5, 0.8, 1.1])
t2 = blob(shape, rs)
case("blobs_iso", blob(shape, rs), t2, [1.0, 1.0, 1.0])
edge = np.zeros((8, 9, 10), dtype=bool)
edge[0:4, :, 3:10] = True  # touches three faces of the grid
case("edge", edge, np.roll(edge, 2, axis=1), [1.5, 1.0, 0.7])
t2d = blob((23, 17), rs)
case("plane", blob((23, 17), rs), t2d, [0.6, 0.9])


def compute_sdf(m):
    """The UG-MCL reference's compute_sdf for one binary mask (float64)."""
    from skimage import segmentation as skimage_seg
    posmask = m.astype(bool)
    if not posmask.any():
        return np.zeros(m.shape)
    negmask = ~posmask
    posdis = ndimage.distance_transform_edt(posmask)
    negdis = ndimage.distance_transform_edt(negmask)
    boundary = skimage_seg.find_boundaries(posmask, mode='inner').astype(np.uint8)
    sdf = (negdis - np.min(negdis)) / (np.max(negdis) - np.min(negdis)) - (posdis - np.min(posdis)) / (np.max(posdis) - np.min(posdis))
    sdf[boundary == 1] = 0
    return sdf


sdf_mask = blob((10, 14, 12), rs, 2)
g.tensor("sdf_mask", torch.from_numpy(sdf_mask.astype(np.uint8)))
g.tensor("sdf_expected", torch.from_numpy(compute_sdf(sdf_mask)))
g.save()
