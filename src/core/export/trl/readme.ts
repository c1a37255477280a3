/** The exported package's README and pinned requirements. */

/**
 * Pinned versions: a set that installs together (read from pip's choice in a fresh venv, on the
 * index Focal Lab's CI uses), on which Focal Lab's CI trains every built-in experiment's export
 * (test/unit/export/trl-smoke.test.ts). The subclass hooks (GRPOTrainer._calculate_rewards and
 * _generate_and_score_completions) were read in this TRL; smoke_test.py checks them.
 */
export const REQUIREMENTS_TXT = `# Pinned for the exported package: Focal Lab's CI trains exports on exactly these.
trl==1.13.0
torch==2.13.0
transformers==5.18.0
accelerate==1.15.0
datasets==5.0.1
tokenizers==0.23.2
huggingface-hub==1.33.0
safetensors==0.8.0
numpy==2.4.6
# Optional: google-re2 runs the regex criteria on RE2, the engine the lab uses (linear time). Without
# it they run on Python's re, translated to mean the same (focal_lab/scoring.py, to_python_re).
`;

interface ReadmeFacts {
  experiment: string;
  variant: string | null;
  task: string;
  accepted: string[];
  ids: readonly string[];
  names: string[];
  weights: readonly number[];
  method: { method: string };
  hyperparameters: Record<string, number>;
}

export function packageReadme(lab: ReadmeFacts): string {
  const rows = lab.ids.map((id, k) => `| \`${id}\` | ${lab.names[k]} | ${lab.weights[k].toFixed(4)} |`);
  const h = lab.hyperparameters;
  const accepted =
    lab.accepted.length === 0
      ? 'None: this export is exact in every part docs/export.md lists.'
      : `This export accepted, by request: ${lab.accepted.map((a) => `\`${a}\``).join(', ')} (see docs/export.md in Focal Lab).`;
  return `# ${lab.experiment}${lab.variant ? ` (variant ${lab.variant})` : ''}: exported from Focal Lab for TRL

Task \`${lab.task}\`, aggregator \`${lab.method.method}\`. One reward function per enabled criterion
(\`focal_lab/rewards.py\`), named after the criterion id, so TRL logs \`rewards/<id>/mean\`:

| criterion id | name | static weight |
| --- | --- | --- |
${rows.join('\n')}

The advantages are the lab's (\`focal_lab/aggregate.py\`, applied by \`focal_lab/trainer.py\`, a
\`GRPOTrainer\` subclass); TRL also logs \`lab/weight/<id>\` and \`lab/saturation/<id>\` each step.

Differences accepted: ${accepted}

## Install

In a virtual environment, from PyPI:

    python -m venv .venv && . .venv/bin/activate
    pip install -r requirements.txt
    pip install google-re2        # optional: the lab's regex engine (RE2) for pattern criteria

On Linux, PyPI's \`torch\` wheel is the CUDA build; for the CPU build add
\`--extra-index-url https://download.pytorch.org/whl/cpu\` to the first install. Where pip is
configured with a local index or mirror, the same command installs from it; pass
\`--index-url URL\` to make it the only one. Without \`google-re2\`, patterns run on Python's \`re\`,
translated to mean what they mean in RE2; the few that cannot be are refused when the package is
imported, with the construct named (docs/export.md in Focal Lab).

## Placeholders to fill in

- **Model**: \`python train.py --model <causal LM on the Hub, or a local path>\`.
- **Dataset**: \`--dataset data.jsonl\`, one JSON object per line with a \`prompt\` and the prompt's
  \`topic\` (read by the topic and rhyme criteria). Without it, the task's training topics are used
  with the placeholder \`PROMPT_TEMPLATE\` in \`train.py\`.
- \`max_completion_length\` is ${h.maxCompletionLength}, the task's length in the lab's words; a real
  model's tokens are shorter than words, so raise it for your tokenizer.

## Run

    python train.py --model MODEL --dataset data.jsonl --output-dir runs/focal-lab
    accelerate launch train.py --model MODEL --dataset data.jsonl    # several GPUs

One lab step is ${h.promptsPerStep} prompts x ${h.groupSize} completions (\`generation_batch_size\`
${h.promptsPerStep * h.groupSize}), advantages over all of them, ${h.mu} update(s) on them
(\`num_iterations\`); ${h.steps} steps (\`max_steps\` ${h.steps * h.mu}: TRL counts
optimiser steps). \`--steps N\` trains N lab steps instead.

## Check the install

    python smoke_test.py

trains a tiny randomly initialised model (built from a config, nothing downloaded) for a few steps
and checks the per-reward metrics and that the weights TRL applied are the lab's.
`;
}
