"""Runs many PyTorch scripts in one Python process for the apply-and-run test of the quick fixes.

Reads a JSON list of jobs on stdin and prints one JSON list of results. A job is
  {"id", "root", "rel", "text"?, "mode": "main" | "build" | "compile", "build"?: "Python expression", "input"?: [dims] | "expr"}
The folder `root` is copied to a temporary folder (so sibling and relative imports resolve and nothing of the
original is touched) and `text`, when given, replaces the file `rel` there: that is the script with a fix applied.
"main" runs the file as __main__ from an empty working folder; "build" imports the file (as a package module when it
uses relative imports), evaluates `build` in its namespace, runs one forward pass on torch.randn(input) in training mode
and one training step (sum of the outputs, backward, SGD step); when the training-mode pass fails, the forward pass is
checked in eval mode. With "safeLoader" (the path of scripts/python-corpus.py) a
published file is loaded as the truth generator loads it: imports, definitions and static assignments only (no
training loop, download or file write), with its "argv", "prelude" and "inputExpr". Every job first compiles the
file. A result is
  {"id", "ok", "stage": "compile" | "load" | "build" | "forward" | "train" | "main" | "done", "error"?, "stdout"}
"""
import contextlib
import io
import json
import os
import importlib
import importlib.util
import re
import runpy
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402

torch.set_num_threads(1)


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout("timed out")


signal.signal(signal.SIGALRM, _alarm)


def first_tensor(out):
    if isinstance(out, torch.Tensor):
        return out
    if isinstance(out, (list, tuple)):
        for o in out:
            t = first_tensor(o)
            if t is not None:
                return t
    if isinstance(out, dict):
        for o in out.values():
            t = first_tensor(o)
            if t is not None:
                return t
    return None


def load(path, rel, src):
    """The file's namespace: imported as a module of its package when it uses relative imports."""
    with open(path, encoding="utf-8") as f:
        relative = re.search(r"^\s*from\s+\.", f.read(), re.M)
    if not relative:
        return runpy.run_path(path, run_name="aiot_lens_fixed_script")
    parts = rel[:-3].split("/")
    i = len(parts) - 1
    while i > 0 and parts[i - 1].isidentifier():
        i -= 1
    sys.path.insert(0, os.path.join(src, *parts[:i]))
    return vars(importlib.import_module(".".join(parts[i:])))


_safe = {}


def safe_loader(path):
    if path not in _safe:
        spec = importlib.util.spec_from_file_location("aiot_python_corpus", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        _safe[path] = mod
    return _safe[path]


def run(job):
    result = {"id": job["id"], "ok": False, "stage": "compile", "stdout": ""}
    stdout = io.StringIO()
    before = set(sys.modules)
    old_path, old_argv, old_cwd = list(sys.path), list(sys.argv), os.getcwd()
    seconds = int(job.get("timeout", 120))
    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="aiot-fixrun-")
    try:
        src = os.path.join(tmp, "src")
        shutil.copytree(job["root"], src, ignore=shutil.ignore_patterns("*.onnx", "*.tflite", "*.pt", "*.pth", ".git"))
        path = os.path.join(src, job["rel"])
        if job.get("text") is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(job["text"])
        with open(path, encoding="utf-8") as f:
            compile(f.read(), path, "exec")
        work = os.path.join(tmp, "work")
        os.mkdir(work)
        torch.manual_seed(0)
        sys.path.insert(0, os.path.dirname(path))
        sys.argv = [path]
        signal.alarm(seconds)
        with contextlib.redirect_stdout(stdout):
            os.chdir(work)
            if job["mode"] == "compile":
                pass
            elif job["mode"] == "main":
                result["stage"] = "main"
                runpy.run_path(path, run_name="__main__")
            else:
                result["stage"] = "load"
                if job.get("safeLoader"):
                    ns = safe_loader(job["safeLoader"]).load(path, "aiot_fixrun_%s" % abs(hash(job["id"])), job.get("argv", ()))
                    os.chdir(work)
                    if job.get("prelude"):
                        exec(job["prelude"], ns)
                else:
                    ns = load(path, job["rel"], src)
                result["stage"] = "build"
                model = eval(job["build"], ns)
                result["stage"] = "forward"
                x = torch.randn(*job["input"]) if isinstance(job.get("input"), list) else eval(job["inputExpr"], ns)
                args = x if isinstance(x, tuple) else (x,)
                # One forward pass in training mode serves both stages; when it fails (BatchNorm on a batch of
                # one), the forward pass is checked in eval mode and the training stage fails with the first error.
                model.train()
                train_error = None
                try:
                    out = first_tensor(model(*args))
                except Exception as e:  # noqa: BLE001
                    train_error = e
                    model.eval()
                    with torch.no_grad():
                        model(*args)
                result["stage"] = "train"
                if train_error is not None:
                    raise train_error
                params = [p for p in model.parameters() if p.requires_grad]
                if params and out is not None and out.requires_grad:
                    opt = torch.optim.SGD(params, lr=1e-3)
                    opt.zero_grad()
                    out.float().sum().backward()
                    opt.step()
        result["stage"] = "done"
        result["ok"] = True
    except BaseException as e:  # noqa: BLE001 - a script may raise anything, SystemExit included
        if isinstance(e, SystemExit) and (e.code is None or e.code == 0):
            result["stage"] = "done"
            result["ok"] = True
        else:
            tb = traceback.extract_tb(e.__traceback__)
            where = next((f"{os.path.basename(fr.filename)}:{fr.lineno}" for fr in reversed(tb) if fr.filename.startswith(tmp)), "")
            result["error"] = f"{type(e).__name__}: {str(e)[:300]}" + (f" (at {where})" if where else "")
    finally:
        signal.alarm(0)
        os.chdir(old_cwd)
        sys.path[:], sys.argv[:] = old_path, old_argv
        for name in set(sys.modules) - before:
            del sys.modules[name]
        shutil.rmtree(tmp, ignore_errors=True)
    result["stdout"] = stdout.getvalue()[-2000:]
    result["ms"] = round((time.time() - t0) * 1000)
    return result


def main():
    jobs = json.load(sys.stdin)
    results = [run(job) for job in jobs]
    sys.__stdout__.write(json.dumps(results))


if __name__ == "__main__":
    main()
