"""
Parity oracle for `dataperf create speech`, written from the documented behaviour of the official
create_experiment.py (harvard-edge/dataperf-speech-example), run under Debian's python3 with
numpy, pandas and PyYAML.

Debian has no parquet engine for pandas, so each word's embedding file is handed over as
<word>.json holding its clip_id column; pandas filters that frame exactly as the official script
filters the parquet frame, and the oracle reports, for every parquet file it would write, the
source row numbers in order. The YAML files are written with yaml.dump as the official script does.

usage: speech_create_experiment.py ARGS.json
ARGS: metadata, language, splits, clip_ids_dir, targets (list; its order replaces the official
set's arbitrary one), outdir, min_samples, n_known, n_unknown, seed
"""
import csv
import gzip
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

args = json.load(open(sys.argv[1]))
outdir = Path(args["outdir"])
meta = json.load(gzip.open(args["metadata"], "r"))
lang = args["language"]
targets = list(dict.fromkeys(args["targets"]))


def source_frame(word):
    ids = json.load(open(Path(args["clip_ids_dir"]) / (word + ".json")))
    return pd.DataFrame({"clip_id": ids, "row": range(len(ids))})


def as_wav(path, directory=None):
    p = Path(path)
    return str((Path(directory) if directory is not None else p.parent) / (p.stem + ".wav"))


splits = {t: {"train": [], "dev": [], "test": []} for t in targets}
with open(args["splits"]) as fh:
    reader = csv.reader(fh)
    next(reader)
    for row in reader:
        if row[2] in splits:
            splits[row[2]][row[0].lower()].append(as_wav(row[1]))

rows_written = {}
allowed = dict(targets={}, nontargets=[])
evaluation = dict(targets={}, nontargets=[])
for t in targets:
    df = source_frame(t)
    train = df[df["clip_id"].isin(splits[t]["train"])]
    ev = pd.concat([df[df["clip_id"].isin(splits[t]["dev"])], df[df["clip_id"].isin(splits[t]["test"])]])
    allowed["targets"][t] = splits[t]["train"]
    evaluation["targets"][t] = splits[t]["dev"] + splits[t]["test"]
    rows_written["train_embeddings/" + t + ".parquet"] = train["row"].tolist()
    rows_written["eval_embeddings/" + t + ".parquet"] = ev["row"].tolist()

n_min, n_known, n_unknown = args["min_samples"], args["n_known"], args["n_unknown"]
candidates = [w for w, c in meta[lang]["wordcounts"].items() if c > n_min and w not in targets]
rng = np.random.RandomState(args["seed"])
drawn = rng.choice(candidates, n_known + n_unknown, replace=False)
picked = []
for w in drawn:
    opus = rng.choice(meta[lang]["filenames"][w], n_min, replace=False)
    picked.append((str(w), [as_wav(o, w) for o in opus]))

for i, (w, wavs) in enumerate(picked):
    df = source_frame(w)
    sel = df[df["clip_id"].isin(wavs)]
    if i < n_known:
        half = sel.shape[0] // 2
        train, ev = sel.iloc[:half], sel.iloc[half:]
        allowed["nontargets"].extend(train.clip_id)
        rows_written["train_embeddings/" + w + ".parquet"] = train["row"].tolist()
    else:
        ev = sel
    evaluation["nontargets"].extend(ev.clip_id)
    rows_written["eval_embeddings/" + w + ".parquet"] = ev["row"].tolist()

outdir.mkdir(parents=True, exist_ok=True)
with open(outdir / "allowed_training_set.yaml", "w") as fh:
    yaml.dump(allowed, fh, default_flow_style=None, sort_keys=False)
with open(outdir / "eval.yaml", "w") as fh:
    yaml.dump(evaluation, fh, default_flow_style=None, sort_keys=False)
print(json.dumps({"rows": rows_written, "drawn": [w for w, _ in picked]}))
