"""The parity run of docs/export.md: an exported experiment trained by TRL on a randomly initialised
GPT-2 of the lab's small policy's shape, and the per-criterion reward curves of both side by side.

    npm run lab -- run docs/export-parity.json --backend cpu --out lab.json
    npm run lab -- export docs/export-parity.json --to trl --out export
    python scripts/trl-parity.py train export trl.json        # the venv of export/requirements.txt
    python scripts/trl-parity.py plot lab.json trl.json docs/export-parity.png   # needs matplotlib

The lab's small policy: a pre-LayerNorm transformer, width 32, one block, two heads, a ReLU MLP of
128, learned positions, the output head tied to the embedding (src/core/policy/param-table.ts);
GPT-2 has that layout. One token per task word, as in the lab, so that max_completion_length (the
task's maxNew) is the same length in both.
"""

import json
import os
import sys
import tempfile


def train(export_dir, out_path):
    sys.path.insert(0, export_dir)
    import torch
    from datasets import Dataset
    from transformers import GPT2Config, GPT2LMHeadModel

    from focal_lab import LAB
    from focal_lab.rewards import REWARD_FUNCS
    from focal_lab.trainer import FocalLabGRPOTrainer
    from smoke_test import tiny_model_and_tokenizer
    from train import grpo_config

    torch.set_num_threads(1)
    torch.manual_seed(LAB["hyperparameters"]["seed"])
    _, tokenizer = tiny_model_and_tokenizer()  # one token per task word
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=64,
        n_embd=32,
        n_layer=1,
        n_head=2,
        n_inner=128,
        activation_function="relu",
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = GPT2LMHeadModel(config)
    topics = LAB["topics"]["train"]
    dataset = Dataset.from_list([{"prompt": t, "topic": t} for t in topics])
    with tempfile.TemporaryDirectory() as out:
        path = os.path.join(out, "tiny-gpt2")
        model.save_pretrained(path)
        tokenizer.save_pretrained(path)
        args = grpo_config(os.path.join(out, "run"), report_to="none", save_strategy="no", use_cpu=True)
        trainer = FocalLabGRPOTrainer(
            model=path,
            processing_class=tokenizer,
            reward_funcs=REWARD_FUNCS,
            args=args,
            train_dataset=dataset,
            lab=LAB,
        )
        trainer.train()
    steps = [e for e in trainer.state.log_history if any(k.startswith("rewards/") for k in e)]
    record = {
        "ids": LAB["ids"],
        "names": LAB["names"],
        "criterionMeans": [[e[f"rewards/{c}/mean"] for c in LAB["ids"]] for e in steps],
        "effectiveWeights": [[e[f"lab/weight/{c}"] for c in LAB["ids"]] for e in steps],
        "seconds": trainer.state.log_history[-1].get("train_runtime"),
    }
    with open(out_path, "w") as f:
        json.dump(record, f, indent=1)


def plot(lab_path, trl_path, png_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(lab_path) as f:
        lab = json.load(f)["results"][0]
    with open(trl_path) as f:
        trl = json.load(f)
    assert lab["criterionIds"] == trl["ids"], "the two runs score different criteria"
    curves = [
        ("Focal Lab (TF.js, its small policy)", [m["criterionMeans"] for m in lab["metrics"]]),
        ("TRL GRPOTrainer (GPT-2 of the same shape)", trl["criterionMeans"]),
    ]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, (title, means) in zip(axes, curves):
        steps = range(1, len(means) + 1)
        for k, name in enumerate(trl["names"]):
            ax.plot(steps, [m[k] for m in means], marker="o", markersize=3, label=f"{name} ({trl['ids'][k]})")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("RL step (generation batch)")
        ax.set_xticks([1, 5, 10, 15, 20])
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("training batch mean score")
    axes[0].set_ylim(-0.02, 1.02)
    axes[1].legend(fontsize=7, loc="upper left")
    fig.suptitle("Per-criterion reward, 20 steps from a random policy, the same experiment", fontsize=11)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)


if __name__ == "__main__":
    {"train": train, "plot": plot}[sys.argv[1]](*sys.argv[2:])
