/** `focal_lab/trainer.py`: the GRPOTrainer subclass that computes the lab's advantages. */
export const TRAINER_PY = String.raw`"""GRPOTrainer with the lab's aggregator (docs/export.md in Focal Lab says why a subclass).

TRL's own advantage step (sum_then_normalize or normalize_then_sum) divides by a Bessel-corrected
standard deviation plus 1e-4, in float32; the lab divides by the population standard deviation plus
1e-6, in float64, and sets a term to exactly 0 where a standard deviation is 0. They differ, so for
every method the advantages come from focal_lab.aggregate instead, through two hooks of TRL's
GRPOTrainer: _calculate_rewards (which returns the per-criterion rewards of the whole generation
batch, gathered across processes) and _generate_and_score_completions (whose output carries this
process's slice of the advantages). Everything else (generation, the loss, the optimiser, the
per-reward metrics rewards/<criterion id>/mean) is TRL's.
"""

import json
import os

import numpy as np
import torch
from transformers import TrainerCallback
from trl import GRPOTrainer

from .aggregate import compute_advantages

for _hook in ("_calculate_rewards", "_generate_and_score_completions"):
    if not hasattr(GRPOTrainer, _hook):  # the extension point moved: refuse rather than train differently
        raise ImportError(
            f"this TRL has no GRPOTrainer.{_hook}; install the version in requirements.txt"
        )

STATE_FILE = "focal_lab_state.json"


class FocalLabGRPOTrainer(GRPOTrainer):
    """lab: the rubric.json dict (criterion ids, weights, judges, method config)."""

    def __init__(self, *args, lab, **kwargs):
        super().__init__(*args, **kwargs)
        self.lab = lab
        self.focal_state = None  # {"ema": [...], "steps": n}, carried across steps (focal only)
        self.lab_history = []  # per training step: the rewards and what the aggregator made of them
        self._lab_rewards = None
        self.add_callback(_SaveFocalState(self))

    def _calculate_rewards(self, inputs, prompts, completions, completion_ids_list):
        rewards = super()._calculate_rewards(inputs, prompts, completions, completion_ids_list)
        self._lab_rewards = rewards
        return rewards

    def _generate_and_score_completions(self, inputs):
        output = super()._generate_and_score_completions(inputs)
        mode = "train" if self.model.training else "eval"
        rewards = self._lab_rewards.detach().to(torch.float64).cpu().numpy()
        if np.isnan(rewards).any():
            raise ValueError("a reward function returned None; the lab's criteria always score")
        G = self.num_generations if mode == "train" else self.num_generations_eval
        groups = np.arange(rewards.shape[0]) // G  # TRL lays out each prompt's G completions together
        result = compute_advantages(
            rewards,
            groups,
            self.lab["weights"],
            self.lab["method"],
            judge=self.lab["judges"],
            state=self.focal_state,
        )
        if mode == "train":  # evaluation reads the state but never advances it
            self.focal_state = result["state"]
            self.lab_history.append({"rewards": rewards.tolist(), **result})
            for k, criterion in enumerate(self.lab["ids"]):
                self._metrics[mode][f"lab/weight/{criterion}"].append(result["weights"][k])
                self._metrics[mode][f"lab/saturation/{criterion}"].append(result["saturation"][k])
        local = output["advantages"]
        start = self.accelerator.process_index * local.shape[0]
        mine = result["advantages"][start : start + local.shape[0]]
        output["advantages"] = torch.tensor(mine, dtype=local.dtype, device=local.device)
        return output


class _SaveFocalState(TrainerCallback):
    """Writes the saturation state beside each checkpoint, so a resumed run can load it."""

    def __init__(self, trainer):
        self.trainer = trainer

    def on_save(self, args, state, control, **kwargs):
        folder = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
        if state.is_world_process_zero and os.path.isdir(folder):
            with open(os.path.join(folder, STATE_FILE), "w") as f:
                json.dump(self.trainer.focal_state, f)
`;
