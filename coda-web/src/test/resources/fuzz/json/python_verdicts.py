"""Records what Python's json.loads says of mutated JSON texts, for JsonSyntaxTest (Python 3.11, no packages).

Run from this folder: python3 python_verdicts.py > python-verdicts.jsonl
Each line: {"text": ..., "error": message or null, "position": character offset or null}.
"""
import json
import random

SEEDS = [
    '{"name": "x", "price": 1.5, "tags": ["a", "b"], "offer": null}',
    '[1, -0.5e+3, 2E7, 0, -0, true, false, null, NaN, Infinity, -Infinity]',
    '{"a": {"b": [{"c": "\\u00e9\\n\\t\\"\\\\\\/"}, []]}, "d": {}}',
    '"\\ud83d\\ude00 \u00e9 \U0001F600"',
    '  {"k" : [ 1 , 2 ] }  ',
    '[[[[[]]]], {"x": [{"y": {"z": "w"}}]}]',
    '-12.5e-3',
    '"\\u12ab\\uABCD"',
]
ALPHABET = list('{}[]:,"\\/ \t\n\r0123456789-+.eEuabfnrtlsINaTy') + ['\x00', '\x01', '\x1f', '\x7f', '\u00e9', '\U0001F600', '\u0663', '\ufeff']


def mutate(text, rng):
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(4)
        k = rng.randrange(len(text) + 1)
        if op == 0 and text:
            text = text[:k] + text[k + 1:]
        elif op == 1:
            text = text[:k] + rng.choice(ALPHABET) + text[k:]
        elif op == 2 and text:
            text = text[:k] + rng.choice(ALPHABET) + text[k + 1:]
        else:
            text = text[:k]
    return text


def verdict(text):
    try:
        json.loads(text)
        return None, None
    except json.JSONDecodeError as e:
        return e.msg, e.pos


rng = random.Random(20261129)
seen = set()
for seed in SEEDS:
    for text in [seed] + [mutate(seed, rng) for _ in range(150)]:
        if text in seen:
            continue
        seen.add(text)
        error, position = verdict(text)
        print(json.dumps({"text": text, "error": error, "position": position}))
