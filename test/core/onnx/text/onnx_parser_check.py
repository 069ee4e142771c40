# Cross-check of AIoT Lens's ONNX text against ONNX's own parser (onnx.parser): each listed text must parse to the
# original model's nodes, and --full text to the same initializer values. Called by onnx-parser.test.ts.
# Input: a TSV of (text file, original model, mode). Output: one JSON object on stdout.
import json, re, sys
import numpy as np
import onnx, onnx.parser, onnx.numpy_helper as nh

version = tuple(int(x) for x in re.findall(r'\d+', onnx.__version__)[:2])
# Quoted names, [node] labels and seq/optional/map types came to the syntax after onnx 1.12.
old_syntax = version < (1, 13)

def nodes(g):
    return [(n.op_type, n.domain, list(n.input), list(n.output),
             [(a.name, a.type) for a in n.attribute]) for n in g.node]

checked, newer, failures = 0, 0, []
for line in open(sys.argv[1]):
    text_path, model_path, mode = line.rstrip('\n').split('\t')
    text = open(text_path).read()
    original = onnx.load(model_path)
    try:
        parsed = onnx.parser.parse_model(text)
    except Exception as e:
        msg = str(e)
        context = msg.split('Error context:')[-1].split('\\n')[0]
        newer_forms = ('"', 'seq(', 'optional(', 'map(', 'sparse_tensor(')
        if old_syntax and (any(f in context for f in newer_forms) or context.lstrip().startswith('[')):
            newer += 1
            continue
        failures.append(f'{text_path}: {msg[:300]}')
        continue
    problems = []
    if nodes(parsed.graph) != nodes(original.graph):
        problems.append('nodes differ')
    if [i.name for i in parsed.graph.input] != [i.name for i in original.graph.input]:
        problems.append('inputs differ')
    inits = list(zip(original.graph.initializer, parsed.graph.initializer))
    if len(original.graph.initializer) != len(parsed.graph.initializer):
        problems.append('initializer count differs')
    for a, b in inits:
        if a.name != b.name or list(a.dims) != list(b.dims) or a.data_type != b.data_type:
            problems.append(f'initializer {a.name} header differs')
        elif mode == 'full':
            x, y = nh.to_array(a), nh.to_array(b)
            if x.shape != y.shape or not np.array_equal(x, y, equal_nan=x.dtype.kind in 'fc'):
                problems.append(f'initializer {a.name} values differ')
    if problems:
        failures.append(f'{text_path}: {"; ".join(problems[:3])}')
    else:
        checked += 1
print(json.dumps({'onnx': onnx.__version__, 'checked': checked, 'newer_syntax': newer, 'failures': failures}))
