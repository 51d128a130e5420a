"""The official speech code paths in scikit-learn, on arrays dumped by bench/speech.ts.

Follows eval.py (VotingClassifier of SVC(probability=True, random_state=s) and
LogisticRegression(random_state=s), soft voting, macro F1, mean over the seeds) and
baseline_selection.py (10 x 10 StratifiedShuffleSplit pairs; SVC/LR random_state fixed to the
selection seed so the run is repeatable). Prints JSON with the scores, selections and seconds.
usage: speech_sklearn.py MANIFEST.json
"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")  # sklearn warns that lbfgs hits max_iter, as it does in the official tools
import numpy as np
import sklearn.ensemble, sklearn.linear_model, sklearn.model_selection, sklearn.svm
from sklearn.metrics import f1_score


def load(entry):
    return np.fromfile(entry["file"], dtype=entry["dtype"]).reshape(entry["shape"])


def voting(seed):
    return sklearn.ensemble.VotingClassifier(
        estimators=[("svm", sklearn.svm.SVC(probability=True, random_state=seed)),
                    ("lr", sklearn.linear_model.LogisticRegression(random_state=seed))],
        voting="soft", weights=None)


def evaluate(job, seeds):
    train_x, train_y = load(job["train_x"]).astype(np.float32), load(job["train_y"]).astype(float)
    eval_x, eval_y = load(job["eval_x"]).astype(np.float32), load(job["eval_y"]).astype(float)
    scores = []
    for s in seeds:
        clf = voting(s)
        clf.fit(train_x, train_y)
        scores.append(f1_score(eval_y, clf.predict(eval_x), average="macro"))
    return float(np.mean(scores))


def baseline(job, seed):
    target_samples = load(job["target_x"]); target_labels = load(job["target_y"])
    nontarget_samples = load(job["nontarget_x"]); nontarget_labels = np.zeros(nontarget_samples.shape[0])
    train_size = job["train_size"]
    num_targets = int(train_size * 0.6)
    nontarget_class_size = int(train_size * (1 - 0.6))
    best_score, best = 0, None
    outer = sklearn.model_selection.StratifiedShuffleSplit(n_splits=10, train_size=num_targets, random_state=seed)
    for t_train, t_val in outer.split(target_samples, target_labels):
        inner = sklearn.model_selection.StratifiedShuffleSplit(n_splits=10, train_size=nontarget_class_size, random_state=seed)
        for n_train, n_val in inner.split(nontarget_samples, nontarget_labels):
            x = np.vstack([target_samples[t_train], nontarget_samples[n_train]])
            y = np.concatenate([target_labels[t_train], nontarget_labels[n_train]])
            clf = voting(seed)
            clf.fit(x, y)
            vx = np.vstack([target_samples[t_val], nontarget_samples[n_val]])
            vy = np.concatenate([target_labels[t_val], nontarget_labels[n_val]])
            score = f1_score(vy, clf.predict(vx), average="macro")
            if score > best_score:
                best_score, best = score, (t_train, n_train)
    return {"score": float(best_score), "targets": [int(i) for i in best[0]], "nontargets": [int(i) for i in best[1]]}


manifest = json.load(open(sys.argv[1]))
out = {"evals": [], "baselines": []}
start = time.perf_counter()
for job in manifest["evals"]:
    out["evals"].append(evaluate(job, manifest["seeds"]))
out["eval_seconds"] = time.perf_counter() - start
start = time.perf_counter()
for job in manifest["baselines"]:
    out["baselines"].append(baseline(job, manifest["selection_seed"]))
out["baseline_seconds"] = time.perf_counter() - start
print(json.dumps(out))
