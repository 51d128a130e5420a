"""Farthest point sampling, straightforwardly vectorised with NumPy (the baseline for bench/fps.ts).

Distances are float64 sums over coordinates in order (one vectorised pass per column), which is how
our implementation sums too, so both pick the same indices.
Usage: fps_numpy.py POINTS.bin N D K FIRST  -> prints JSON {"indices": [...], "seconds": ...}
"""
import json, sys, time
import numpy as np

path, n, d, k, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(path, dtype="<f4").reshape(n, d)
start = time.perf_counter()
cols = np.asfortranarray(X, dtype=np.float64)  # column-major float64 copy: each column contiguous
min_dist = np.full(n, np.inf)
chosen = []
c = first
for _ in range(min(k, n)):
    chosen.append(c)
    center = cols[c]
    dist = np.zeros(n)
    for j in range(d):
        diff = cols[:, j] - center[j]
        dist += diff * diff
    np.minimum(min_dist, dist, out=min_dist)
    c = int(np.argmax(min_dist))
print(json.dumps({"indices": chosen, "seconds": time.perf_counter() - start}))
