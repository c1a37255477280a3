/** `focal_lab/aggregate.py`: computeAdvantages (src/core/reward) in Python with numpy. */
export const AGGREGATE_PY = String.raw`"""The lab's aggregators, as src/core/reward computes them (docs/algorithms.md).

compute_advantages(scores, groups, weights, judge, config, state) returns the same advantages,
effective weights, saturation and focal state as the lab's computeAdvantages. Population standard
deviations, eps = 1e-6, and a zero standard deviation makes a standardised term exactly 0. Sums
run in the lab's order (np.bincount and np.cumsum add sequentially), so results agree to the last
bits, not just to a tolerance.
"""

import math

import numpy as np

EPS = 1e-6


def _sequential_sum(x):
    return float(np.cumsum(x)[-1]) if len(x) else 0.0


class Groups:
    """Rollouts' group ids mapped to dense indices in order of first appearance."""

    def __init__(self, groups):
        dense = {}
        self.of = np.array([dense.setdefault(int(g), len(dense)) for g in groups], dtype=np.int64)
        self.count = len(dense)
        self.size = np.bincount(self.of, minlength=self.count).astype(np.float64)


def group_moments(x, g):
    """Per-group mean and population std; a constant group gets its value and a std of exactly 0."""
    sums = np.bincount(g.of, weights=x, minlength=g.count)
    lo = np.full(g.count, np.inf)
    hi = np.full(g.count, -np.inf)
    np.minimum.at(lo, g.of, x)
    np.maximum.at(hi, g.of, x)
    constant = lo == hi
    mean = np.where(constant, lo, sums / g.size)
    d = np.where(constant[g.of], 0.0, x - mean[g.of])
    var = np.bincount(g.of, weights=d * d, minlength=g.count)
    std = np.where(constant, 0.0, np.sqrt(var / g.size))
    return mean, std


def standardise_in_groups(x, g):
    mean, std = group_moments(x, g)
    s = std[g.of]
    safe = np.where(s == 0, 1.0, s + EPS)
    return np.where(s == 0, 0.0, (x - mean[g.of]) / safe)


def standardise_batch(x):
    n = len(x)
    if n == 0 or x.min() == x.max():
        return np.zeros(n)
    mean = _sequential_sum(x) / n
    d = x - mean
    std = math.sqrt(_sequential_sum(d * d) / n)
    return (x - mean) / (std + EPS)


def batch_rates(r):
    n = r.shape[0]
    return [(_sequential_sum(r[:, k]) / n) if n > 0 else 0.0 for k in range(r.shape[1])]


def normalise_weights(weights):
    total = _sequential_sum(np.asarray(weights, dtype=np.float64))
    if not total > 0 or not math.isfinite(total):
        raise ValueError("weights need a positive, finite total")
    return [w / total for w in weights]


def saturation_weights(w, s, gamma):
    """w_k (1 - s_k)^gamma, normalised; the static weights when every term is 0."""
    out = [w[k] * min(1.0, max(0.0, 1 - s[k])) ** gamma for k in range(len(w))]
    total = _sequential_sum(np.asarray(out))
    if not total > 0:
        return list(w)
    return [o / total for o in out]


def group_normalised_sum(r, g, coef):
    total = np.zeros(r.shape[0])
    for k in range(r.shape[1]):
        if coef[k] == 0:
            continue
        total += coef[k] * standardise_in_groups(r[:, k].copy(), g)
    return standardise_batch(total)


def project_rate(m, a, b):
    """Inverse reward projection: clip((m - a) / (1 - a - b), 0, 1); the identity for an exact rule."""
    if a == 0 and b == 0:
        return m
    q = (m - a) / (1 - a - b)
    return 0.0 if q < 0 else 1.0 if q > 1 else q


def update_saturation(q, state, beta):
    """The EMA of the projected rates and its bias-corrected, clipped value."""
    steps = (state["steps"] if state else 0) + 1
    ema = [beta * (state["ema"][k] if state else 0) + (1 - beta) * qk for k, qk in enumerate(q)]
    correction = 1 - beta**steps
    saturation = [min(1.0, max(0.0, e / correction)) for e in ema]
    return saturation, {"ema": ema, "steps": steps}


def focal_coefficients(w, s, gamma, alpha_min):
    alpha = saturation_weights(w, s, gamma)
    if alpha_min == 0:
        return alpha
    alpha = [max(alpha[k], alpha_min * w[k]) for k in range(len(w))]
    total = _sequential_sum(np.asarray(alpha))
    return [a / total for a in alpha]


def _static(r, g, w, judge, config, state):
    R = np.zeros(r.shape[0])
    for k in range(r.shape[1]):
        R += w[k] * r[:, k]
    return standardise_in_groups(R, g), list(w), batch_rates(r), None


def _gdpo(r, g, w, judge, config, state):
    return group_normalised_sum(r, g, w), list(w), batch_rates(r), None


def _sa_mrpo(r, g, w, judge, config, state):
    s = batch_rates(r)
    w_tilde = saturation_weights(w, s, config["gamma"])
    return group_normalised_sum(r, g, w_tilde), w_tilde, s, None


def _worst(r, g, w, judge, config, state):
    n, K = r.shape
    R = np.zeros(n)
    share = [0.0] * K
    for i in range(n):
        weighted = [r[i, k] for k in range(K) if w[k] > 0]
        lo = min(weighted)
        R[i] = lo
        ties = sum(1 for k in range(K) if w[k] > 0 and r[i, k] == lo)
        for k in range(K):
            if w[k] > 0 and r[i, k] == lo:
                share[k] += 1 / ties
    return standardise_in_groups(R, g), [c / n for c in share], batch_rates(r), None


def _focal(r, g, w, judge, config, state):
    projection = config["projection"]
    rates = [(j["fp"], j["fn"]) if projection and judge else (0.0, 0.0) for j in (judge or [None] * len(w))]
    q = [project_rate(rate, *rates[k]) for k, rate in enumerate(batch_rates(r))]
    s, next_state = update_saturation(q, state, config["beta"])
    # Over the warm-up the coefficients are the weights (gamma 0); the EMA still measures saturation.
    gamma = 0 if next_state["steps"] <= config.get("warmup", 0) else config["gamma"]
    alpha = focal_coefficients(w, s, gamma, config["alphaMin"])
    base, scale = config["base"], config["scale"]
    total = np.zeros(r.shape[0])
    for k in range(r.shape[1]):
        if alpha[k] == 0:
            continue
        a, b = rates[k]
        r_hat = r[:, k].copy()
        if a != 0 or b != 0:
            r_hat = np.array([project_rate(v, a, b) for v in r_hat])
        if base == "group" and scale == "group-std":
            total += alpha[k] * standardise_in_groups(r_hat, g)
            continue
        mean, std = group_moments(r_hat, g)
        level = mean[g.of] if base == "group" else s[k]
        if scale == "group-std":
            sg = std[g.of]
            d = np.where(sg == 0, 0.0, (r_hat - level) / np.where(sg == 0, 1.0, sg + EPS))
        elif scale == "snr":
            noise = math.sqrt(s[k] * (1 - s[k]))
            d = np.zeros(len(r_hat)) if noise == 0 else (r_hat - level) / (noise + EPS)
        else:
            d = r_hat - level
        total += alpha[k] * d
    advantages = standardise_batch(total) if config["norm"] == "batch" else standardise_in_groups(total, g)
    return advantages, alpha, s, next_state


AGGREGATORS = {"static": _static, "gdpo": _gdpo, "sa-mrpo": _sa_mrpo, "worst": _worst, "focal": _focal}


def compute_advantages(scores, groups, weights, config, judge=None, state=None):
    """scores: N x K in [0, 1]; groups: a group id per rollout; weights: K static weights (normalised
    here); config: the lab's method config; judge: K {"fp", "fn"} or None; state: focal's
    {"ema", "steps"} from the previous step or None. Returns a dict like the lab's AdvantageResult."""
    r = np.asarray(scores, dtype=np.float64)
    if r.ndim != 2 or r.shape[1] != len(weights) or r.shape[0] != len(groups):
        raise ValueError(f"scores of shape {r.shape} do not match {len(groups)} groups and {len(weights)} weights")
    advantages, effective, saturation, next_state = AGGREGATORS[config["method"]](
        r, Groups(groups), normalise_weights(weights), judge, config, state
    )
    return {
        "advantages": [float(a) for a in advantages],
        "weights": [float(x) for x in effective],
        "saturation": [float(x) for x in saturation],
        "state": next_state,
    }
`;
