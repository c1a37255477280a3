"""Driver for trl-smoke.test.ts: runs the smoke test of several exported packages in one process
(torch, transformers and trl are imported once), each writing its record of what TRL scored and
the advantages its loss used.

    python smoke_all.py STEPS OUT_DIR PACKAGE_DIR...

Writes OUT_DIR/results.json: per package, its directory, the problems smoke_test.run found and the
path of its record. (stdout carries TRL's progress output, so the results go to a file.)
"""

import json
import os
import sys

import torch

# A tiny model runs fastest on one thread; the test runs one process per core.
torch.set_num_threads(int(os.environ.get("FOCAL_TORCH_THREADS", "1")))
steps, out = int(sys.argv[1]), sys.argv[2]
results = []
for k, root in enumerate(sys.argv[3:]):
    # Every package is called focal_lab, with its own train.py and smoke_test.py: forget the last one's.
    for name in list(sys.modules):
        if name in ("train", "smoke_test", "focal_lab") or name.startswith("focal_lab."):
            del sys.modules[name]
    sys.path.insert(0, root)
    import smoke_test  # noqa: E402

    record = os.path.join(out, f"record-{k}.json")
    try:
        problems = smoke_test.run(steps, record)
    except Exception as error:  # reported per package, so that one failure does not hide the rest
        problems = [f"{type(error).__name__}: {error}"]
    sys.path.remove(root)
    results.append({"root": root, "problems": problems, "record": record})
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f)
