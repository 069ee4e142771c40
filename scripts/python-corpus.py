#!/usr/bin/python3
"""Published-script corpus for the training-script analysis: fetch the files, and write the truth PyTorch gives.

  /usr/bin/python3 scripts/python-corpus.py fetch            download SOURCES.json's files (at their commits) into .cache/python-corpus
  /usr/bin/python3 scripts/python-corpus.py truth            write test/fixtures/python/published/TRUTH.json from the corpus
  /usr/bin/python3 scripts/python-corpus.py constructs       write test/fixtures/python/constructs/TRUTH.json (our own fixtures)

Truth is what PyTorch itself reports (Debian's python3-torch): each model in SOURCES is built in the file's namespace
and run once on its input with a forward hook on every module. Per module path it records the type, the parameter count
(`sum(p.numel() for p in m.parameters())`) and the MACs of the Conv / ConvTranspose / Linear / recurrent / attention
modules called under that path (null when the module is never called). The MAC conventions are the analyzer's:
Conv = output elements x (in/groups) x kernel, ConvTranspose = input elements x (out/groups) x kernel, Linear = output
elements x in_features, LSTM/GRU/RNN = steps x batch x gates x H x (in + H) per layer and direction, cells likewise
per call, MultiheadAttention = Q/K/V/out projections plus the two attention products. Functional matmuls are not
counted by either side. A module never called whose children ran (a ModuleList its parent iterates) gets their sum.

Only the file's imports, definitions and simple top-level assignments (constants, argparse options at their defaults)
run: no training loop, download or file write does. An import that fails binds a stub so the rest still loads.
"""
import ast
import json
import math
import os
import re
import sys
import types
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PUBLISHED = os.path.join(ROOT, 'test', 'fixtures', 'python', 'published')
CONSTRUCTS = os.path.join(ROOT, 'test', 'fixtures', 'python', 'constructs')
CORPUS = os.environ.get('AIOT_LENS_PY_CORPUS') or os.path.join(ROOT, '.cache', 'python-corpus')
CORPUS_ROOTS = (os.path.abspath(CORPUS), os.path.abspath(CONSTRUCTS))

# Top-level calls that may run while loading a file: they compute constants or parse options, nothing else.
SAFE_CALL = re.compile(r'^(argparse\.ArgumentParser|parser\.(add_argument|parse_args|add_argument_group)|int|float|str|bool|tuple|list|dict|len|'
                       r'range|min|max|round|np\.prod|numpy\.prod|math\.\w+|torch\.cuda\.is_available|torch\.device|OrderedDict|'
                       r'collections\.OrderedDict|torch\.tensor|pair)$')


def local_path(entry):
    return os.path.join(CORPUS, entry['repo'].replace('/', '+'), entry['path'])


def fetch():
    sources = json.load(open(os.path.join(PUBLISHED, 'SOURCES.json')))
    for e in sources['files']:
        out = local_path(e)
        if os.path.exists(out):
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        url = 'https://raw.githubusercontent.com/%s/%s/%s' % (e['repo'], e['commit'], e['path'])
        with urllib.request.urlopen(url, timeout=60) as r:
            data = r.read()
        with open(out, 'wb') as f:
            f.write(data)
        print('fetched', e['repo'], e['path'])


class Stub(types.ModuleType):
    """Stands for a module that is not installed (gym, torchvision...): any attribute or call is another stub."""

    def __init__(self, name='stub'):
        super().__init__(name)

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return Stub(name)

    def __call__(self, *a, **k):
        return Stub('call')

    def __mro_entries__(self, bases):
        return (object,)


def calls_safe(node):
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            fn = ast.unparse(n.func)
            if not SAFE_CALL.match(fn):
                return False
        if isinstance(n, (ast.Lambda, ast.Await, ast.Yield)):
            return False
    return True


def load(path, modname, argv=()):
    """Runs the safe part of a file: imports, defs, classes and static top-level assignments."""
    src = open(path, encoding='utf-8').read()
    tree = ast.parse(src)
    ns = {'__name__': modname, '__file__': path}
    mod = types.ModuleType(modname)
    mod.__dict__.update(ns)
    sys.modules[modname] = mod
    ns = mod.__dict__
    here = os.path.dirname(path)
    old_argv, old_cwd = sys.argv, os.getcwd()
    # Sibling modules (`from models import *`) are the file's own: two folders may both have a models.py.
    for name in [n for n, m in sys.modules.items() if getattr(m, '__file__', None) and os.path.dirname(os.path.abspath(m.__file__)).startswith(CORPUS_ROOTS)]:
        del sys.modules[name]
    sys.argv = [path, *argv]
    sys.path.insert(0, here)
    os.chdir(here)
    try:
        for st in tree.body:
            code = compile(ast.Module(body=[st], type_ignores=[]), path, 'exec')
            if isinstance(st, (ast.Import, ast.ImportFrom)):
                try:
                    exec(code, ns)
                except Exception:
                    for a in st.names:
                        ns[(a.asname or a.name).split('.')[0]] = Stub(a.name)
            elif isinstance(st, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                exec(code, ns)
            elif isinstance(st, (ast.Assign, ast.AnnAssign, ast.Expr)) and calls_safe(st):
                if isinstance(st, ast.Expr) and not isinstance(st.value, ast.Call):
                    continue
                try:
                    exec(code, ns)
                except (Exception, SystemExit):
                    pass
    finally:
        sys.argv = old_argv
        sys.path.remove(here)
        os.chdir(old_cwd)
    return ns


def macs_of(m, inp, out):
    import torch.nn as nn
    first = inp[0] if inp else None
    if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        return out.numel() * (m.in_channels // m.groups) * math.prod(m.kernel_size)
    if isinstance(m, (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
        return first.numel() * (m.out_channels // m.groups) * math.prod(m.kernel_size)
    if isinstance(m, nn.Linear):
        return out.numel() * m.in_features
    if isinstance(m, (nn.LSTM, nn.GRU, nn.RNN)):
        gates = 4 if isinstance(m, nn.LSTM) else 3 if isinstance(m, nn.GRU) else 1
        dirs = 2 if m.bidirectional else 1
        steps = first.shape[0] * first.shape[1]
        per = sum(dirs * gates * m.hidden_size * ((m.input_size if l == 0 else m.hidden_size * dirs) + m.hidden_size) for l in range(m.num_layers))
        return steps * per
    if isinstance(m, (nn.LSTMCell, nn.GRUCell, nn.RNNCell)):
        gates = 4 if isinstance(m, nn.LSTMCell) else 3 if isinstance(m, nn.GRUCell) else 1
        batch = first.shape[0] if first.dim() == 2 else 1
        return batch * gates * m.hidden_size * (m.input_size + m.hidden_size)
    if isinstance(m, nn.MultiheadAttention):
        q, k = inp[0], inp[1] if len(inp) > 1 else inp[0]
        E = m.embed_dim
        L, N = (q.shape[1], q.shape[0]) if m.batch_first else (q.shape[0], q.shape[1])
        S = k.shape[1] if m.batch_first else k.shape[0]
        return N * (L * E * E + 2 * S * E * E + 2 * L * S * E + L * E * E)
    return 0


def measure(model, inputs):
    import torch
    names = {}
    for name, m in model.named_modules():
        names.setdefault(id(m), name)
    called = set()
    records = []

    def hook(m, inp, out):
        name = names.get(id(m))
        if name is None:
            return
        called.add(name)
        o = out[0] if isinstance(out, (tuple, list)) else out
        mac = macs_of(m, [i for i in inp if torch.is_tensor(i)] if isinstance(inp, tuple) else [inp], o)
        if mac:
            records.append((name, mac))

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    model.eval()
    forward_error = None
    try:
        with torch.no_grad():
            model(*inputs)
    except Exception as e:  # the file's own forward() fails in PyTorch: parameters are still facts, MACs are not
        forward_error = '%s: %s' % (type(e).__name__, str(e).splitlines()[0])
        called.clear()
    for h in handles:
        h.remove()
    paths = {}
    for name, m in model.named_modules():
        params = sum(p.numel() for p in m.parameters())
        under = [v for p, v in records if name == '' or p == name or p.startswith(name + '.')]
        # A container its parent iterates (TransformerEncoder's `layers`) is never called itself: what ran under it counts.
        macs = sum(under) if name in called or under else None
        paths[name] = [type(m).__name__, params, macs]
    # A module registered under two names (`self.nolinear1 = self.nolinear2 = act`): the second name gets the same
    # facts when they cannot depend on which name the call went through (no MACs of its own).
    for name, m in model.named_modules(remove_duplicate=False):
        first = names[id(m)]
        if name not in paths and paths[first][2] in (0, None):
            paths[name] = [type(m).__name__, paths[first][1], paths[first][2]]
    return paths, forward_error


def truth_for(path, modname, models, argv=()):
    import torch
    import torch.nn as nn
    torch.manual_seed(0)
    ns = load(path, modname, argv)
    out = {'models': [], 'classes': {}}
    for spec in models:
        entry = {'build': spec['build']}
        try:
            if 'prelude' in spec:
                exec(spec['prelude'], ns)
            model = eval(spec['build'], ns)
            ns['model'] = model
            if 'input' in spec:
                inputs = (torch.randn(*spec['input']),)
                entry['input'] = spec['input']
            else:
                v = eval(spec['inputExpr'], ns)
                inputs = v if isinstance(v, tuple) else (v,)
                entry['inputExpr'] = spec['inputExpr']
            entry['root'] = type(model).__name__
            entry['paths'], forward_error = measure(model, inputs)
            if forward_error:
                entry['forwardError'] = forward_error
        except Exception as e:  # recorded, never silently dropped
            entry['error'] = '%s: %s' % (type(e).__name__, e)
        out['models'].append(entry)
    # Every nn.Module class of the file, built as the analysis builds a class outside the model: with the literal
    # arguments of its first call in the file (`site`), or without arguments when it is never called with any.
    tree = ast.parse(open(path, encoding='utf-8').read())
    first_call = {}
    for n in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)), key=lambda n: (n.lineno, n.col_offset)):
        first_call.setdefault(n.func.id, n)
    for name, obj in list(ns.items()):
        if isinstance(obj, type) and issubclass(obj, nn.Module) and obj.__module__ == modname:
            call = first_call.get(name)
            try:
                if call is not None and (call.args or call.keywords):
                    # `*args` / `**kwargs` at the call: built without them (the analysis leaves what they may set unknown).
                    args = [ast.literal_eval(a) for a in call.args if not isinstance(a, ast.Starred)]
                    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg is not None}
                    inst = obj(*args, **kwargs)
                else:
                    inst = obj()
                out['classes'][name] = {'site': call is not None and bool(call.args or call.keywords),
                                        'params': sum(p.numel() for p in inst.parameters()),
                                        'paths': {k: sum(p.numel() for p in c.parameters()) for k, c in inst.named_children()}}
            except Exception:
                pass
    return out


def truth():
    sources = json.load(open(os.path.join(PUBLISHED, 'SOURCES.json')))
    result = {'generator': 'scripts/python-corpus.py truth', 'torch': __import__('torch').__version__, 'files': {}}
    for i, e in enumerate(sources['files']):
        p = local_path(e)
        if not os.path.exists(p):
            sys.exit('missing %s: run `scripts/python-corpus.py fetch` first' % p)
        result['files'][e['id']] = truth_for(p, 'corpus_%d' % i, e['models'], e.get('argv', ()))
        errs = [m['error'] for m in result['files'][e['id']]['models'] if 'error' in m]
        print(e['id'], 'ERROR ' + '; '.join(errs) if errs else 'ok')
    write(os.path.join(PUBLISHED, 'TRUTH.json'), result)


def constructs():
    spec = json.load(open(os.path.join(CONSTRUCTS, 'MODELS.json')))
    result = {'generator': 'scripts/python-corpus.py constructs', 'torch': __import__('torch').__version__, 'files': {}}
    for i, (fname, models) in enumerate(sorted(spec['files'].items())):
        result['files'][fname] = truth_for(os.path.join(CONSTRUCTS, fname), 'construct_%d' % i, models)
        errs = [m['error'] for m in result['files'][fname]['models'] if 'error' in m]
        print(fname, 'ERROR ' + '; '.join(errs) if errs else 'ok')
    write(os.path.join(CONSTRUCTS, 'TRUTH.json'), result)


def write(path, obj):
    # One line per module path keeps the file diffable.
    text = json.dumps(obj, indent=1)
    text = re.sub(r'\[\n\s+("[^"]*"),\n\s+(\d+),\n\s+(\d+|null)\n\s+\]', r'[\1, \2, \3]', text)
    with open(path, 'w') as f:
        f.write(text + '\n')
    print('wrote', os.path.relpath(path, ROOT))


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    {'fetch': fetch, 'truth': truth, 'constructs': constructs}.get(cmd, lambda: sys.exit(__doc__))()
