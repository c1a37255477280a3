"""Driver for trl-parity.test.ts: runs an exported package's reward functions and aggregator on
cases written by the test, and prints what they give as JSON.

    python3 parity.py PACKAGE_DIR CASES.json
"""

import json
import sys

sys.path.insert(0, sys.argv[1])

from focal_lab import LAB  # noqa: E402
from focal_lab.aggregate import compute_advantages  # noqa: E402
from focal_lab.rewards import REWARD_FUNCS  # noqa: E402
from focal_lab.scoring import PATTERN_ENGINE  # noqa: E402

with open(sys.argv[2]) as f:
    cases = json.load(f)

scores = [
    func(prompts=["p"] * len(cases["completions"]), completions=cases["completions"], topic=cases["topics"])
    for func in REWARD_FUNCS
]
runs = []
for run in cases["aggregator"]:
    state, steps = None, []
    for batch in run["steps"]:
        result = compute_advantages(
            batch, run["groups"], run["weights"], run["config"], judge=run["judge"], state=state
        )
        state = result["state"]
        steps.append(result)
    runs.append(steps)

json.dump(
    {
        "engine": PATTERN_ENGINE,
        "names": [f.__name__ for f in REWARD_FUNCS],
        "ids": LAB["ids"],
        "scores": scores,
        "aggregator": runs,
    },
    sys.stdout,
)
