"""Harnesses for benchmarks/real_code.py: run real numpy ML code on small
arrays of its documented shapes and record the shapes of what comes out.

This file runs under the pinned runtime that real_code.py installs, never under
shapelint: ``python -S real_code_harness.py --site DIR trace|run ...``.  With
-S the interpreter sees the standard library and the install folder only.

Every harness builds inputs of the shapes the docstrings give (numpy-ml layers:
construct the layer, forward, backward, update; scikit-learn: a tiny fit, then
the private helpers _forward_pass/_backprop, the loss/gradient functions, and
predict) and returns a dict of named results.  The shapes of those results are
the harness's signature.  The sizes are distinct small numbers (7 samples, 5
features, 3 outputs, 4 hidden units, ...) so that a transposed or swapped
operand cannot keep its shape by accident.

``trace`` runs every harness on the unmutated code, recording the corpus lines
each one executes.  ``run`` loads a mutated copy of one module in place of the
original (an import hook: every other module imports the mutated one) and runs
the given harnesses.  Both print or write JSON.
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings

HARNESSES: dict = {}
TARGET: list = [None]  # the path of the mutated file, in a child of serve


def harness(name):
    def register(fn):
        assert name not in HARNESSES, name
        HARNESSES[name] = fn
        return fn

    return register


# --------------------------------------------------------------------------
# Loading a mutated module
# --------------------------------------------------------------------------


class _MutantLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname, path, source):
        super().__init__(fullname, path)
        self.source = source

    def get_code(self, fullname):
        # compiled under the original file name, so line numbers and
        # tracebacks point at the original file
        return compile(self.source, self.path, "exec", dont_inherit=True)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, name, path, source):
        self.name, self.path, self.source = name, path, source

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        is_pkg = os.path.basename(self.path) == "__init__.py"
        return importlib.util.spec_from_file_location(
            fullname,
            self.path,
            loader=_MutantLoader(fullname, self.path, self.source),
            submodule_search_locations=[os.path.dirname(self.path)] if is_pkg else None,
        )


def module_name(rel):
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def compat_shims():
    # numpy-ml 0.1.2 (2020) does `from collections import Hashable`, which
    # Python 3.10 removed; give it the names back.
    import collections
    import collections.abc

    for name in ("Hashable", "Iterable", "Mapping", "MutableMapping", "Sequence", "Callable"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))


# --------------------------------------------------------------------------
# Signatures: the shapes of what a harness returns
# --------------------------------------------------------------------------


def signature(value):
    import numpy as np

    if isinstance(value, np.ndarray):
        return ["array", list(value.shape)]
    if isinstance(value, (bool, int, float, complex, np.generic)):
        return ["array", []]
    if value is None:
        return ["none"]
    if isinstance(value, (list, tuple)):
        return ["seq", [signature(v) for v in value]]
    if isinstance(value, dict):
        return ["dict", {str(k): signature(v) for k, v in value.items()}]
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple):  # a scipy sparse matrix
        return ["array", list(shape)]
    if callable(value):
        return ["callable"]
    return ["other", type(value).__name__]


def run_harness(name):
    import numpy as np

    np.random.seed(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                result = HARNESSES[name]()
        return {"signature": signature(result)}
    except Exception as e:  # noqa: BLE001 - recorded, judged by real_code.py
        import traceback

        # the line of the mutated file the error came through last: the mutated line itself, or
        # one that uses what it made
        lines = [f.lineno for f in traceback.extract_tb(e.__traceback__) if f.filename == TARGET[0]]
        return {
            "error": {
                "type": type(e).__name__,
                "mro": [c.__name__ for c in type(e).__mro__],
                "message": str(e)[:500],
                "line": lines[-1] if lines else None,
            }
        }


# --------------------------------------------------------------------------
# numpy-ml: neural network layers, losses, activations
# --------------------------------------------------------------------------

N_EX, N_IN, N_OUT = 7, 5, 3


def rand(*shape, seed=1):
    import numpy as np

    return np.random.RandomState(seed).standard_normal(shape)


def layer_cycle(layer, X, *, call=None, update=True):
    """forward, backward with a random upstream gradient, update."""
    import numpy as np

    out = {}
    Y = layer.forward(*X) if isinstance(X, tuple) else layer.forward(X)
    out["Y"] = Y
    dY = [rand(*y.shape, seed=2) for y in Y] if isinstance(Y, list) else rand(*np.shape(Y), seed=2)
    out["dX"] = layer.backward(dY)
    out["gradients"] = {k: np.copy(v) for k, v in layer.gradients.items()}
    out["derived"] = {k: v for k, v in layer.derived_variables.items()}
    if layer.parameters and update:
        out["parameters"] = {k: v for k, v in layer.parameters.items()}
        layer.update()
        out["updated"] = {k: v for k, v in layer.parameters.items()}
    if call:
        out["extra"] = call(layer)
    return out


def nn_layers():
    compat_shims()
    from numpy_ml.neural_nets import layers

    return layers


@harness("npml.FullyConnected")
def _():
    L = nn_layers()
    return layer_cycle(L.FullyConnected(N_OUT, act_fn="ReLU"), rand(N_EX, N_IN))


@harness("npml.FullyConnected.two_batches")
def _():
    # backward on a list of upstream gradients: one per forward call
    L = nn_layers()
    layer = L.FullyConnected(N_OUT, act_fn="Sigmoid")
    y1 = layer.forward(rand(N_EX, N_IN))
    y2 = layer.forward(rand(N_EX + 2, N_IN, seed=3))
    dX = layer.backward([rand(*y1.shape), rand(*y2.shape)])
    return {"y": [y1, y2], "dX": dX, "grads": dict(layer.gradients)}


@harness("npml.FullyConnected._bwd2")
def _():
    L = nn_layers()
    layer = L.FullyConnected(N_OUT, act_fn="Tanh")
    X = rand(N_EX, N_IN)
    layer.forward(X)
    # _bwd2 takes the upstream gradient wrt. X and the one wrt. Y
    dLdx = rand(N_EX, N_IN)
    dLdy_bwd = rand(N_EX, N_OUT, seed=4)
    return {"bwd2": layer._bwd2(dLdx, X, dLdy_bwd)}


@harness("npml.DotProductAttention")
def _():
    L = nn_layers()
    Q, K, V = rand(2, 4, N_IN), rand(2, 6, N_IN, seed=2), rand(2, 6, N_OUT, seed=3)
    return layer_cycle(L.DotProductAttention(scale=True), (Q, K, V))


@harness("npml.RBM")
def _():
    L = nn_layers()
    # RBM.__init__ calls _init_params before n_in is known (a numpy-ml 0.1.2
    # bug: TypeError); forward initialises the parameters itself.
    init_params = L.RBM._init_params
    L.RBM._init_params = lambda self: None
    try:
        layer = L.RBM(4, K=2)
    finally:
        L.RBM._init_params = init_params
    V = (rand(N_EX, N_IN) > 0).astype(float)
    layer.forward(V)
    layer.backward()
    out = {"gradients": dict(layer.gradients), "parameters": dict(layer.parameters)}
    out["derived"] = dict(layer.derived_variables)
    layer.update()
    out["updated"] = dict(layer.parameters)
    out["reconstruct"] = layer.reconstruct(V, n_steps=2)
    out["reconstruct_prob"] = layer.reconstruct(V, n_steps=2, return_prob=True)
    return out


@harness("npml.Add")
def _():
    L = nn_layers()
    return layer_cycle(L.Add(act_fn="ReLU"), [rand(N_EX, N_IN, seed=s) for s in (1, 2, 3)])


@harness("npml.Multiply")
def _():
    L = nn_layers()
    return layer_cycle(L.Multiply(act_fn="Tanh"), [rand(N_EX, N_IN, seed=s) for s in (1, 2, 3)])


@harness("npml.Flatten")
def _():
    L = nn_layers()
    out = {}
    for keep in ("first", "last", -1):
        out[str(keep)] = layer_cycle(L.Flatten(keep_dim=keep), rand(3, 4, N_IN, 2))
    return out


@harness("npml.BatchNorm1D")
def _():
    L = nn_layers()
    layer = L.BatchNorm1D()
    out = layer_cycle(layer, rand(N_EX, N_IN))
    layer.trainable = False
    out["eval"] = layer.forward(rand(N_EX, N_IN, seed=5))
    return out


@harness("npml.BatchNorm2D")
def _():
    L = nn_layers()
    layer = L.BatchNorm2D()
    out = layer_cycle(layer, rand(3, 4, N_IN, 2))
    layer.trainable = False
    out["eval"] = layer.forward(rand(3, 4, N_IN, 2, seed=5))
    return out


@harness("npml.LayerNorm1D")
def _():
    L = nn_layers()
    return layer_cycle(L.LayerNorm1D(), rand(N_EX, N_IN))


@harness("npml.LayerNorm2D")
def _():
    L = nn_layers()
    return layer_cycle(L.LayerNorm2D(), rand(3, 4, N_IN, 2))


@harness("npml.Embedding")
def _():
    import numpy as np

    L = nn_layers()
    out = {}
    for pool in (None, "sum", "mean"):
        ids = np.random.RandomState(3).randint(0, 11, size=(N_EX, 4))
        layer = L.Embedding(N_OUT, 11, pool=pool)
        out[str(pool)] = layer_cycle(layer, ids, call=lambda l: l.lookup(ids))
    return out


@harness("npml.Softmax")
def _():
    L = nn_layers()
    return {
        "last": layer_cycle(L.Softmax(dim=-1), rand(N_EX, N_IN)),
        "first": layer_cycle(L.Softmax(dim=0), rand(N_EX, N_IN)),
    }


@harness("npml.SparseEvolution")
def _():
    import numpy as np

    L = nn_layers()
    layer = L.SparseEvolution(N_OUT, epsilon=1, act_fn="ReLU")  # connection density 8/15
    # numpy-ml 0.1.2 calls np.random.binomial(..., shape=...), a keyword that
    # numpy never had (TypeError); pass it on as size=.
    binomial = np.random.binomial
    np.random.binomial = lambda n, p, shape=None, size=None: binomial(n, p, size=shape or size)
    try:
        # no update: SparseEvolution.update calls np.shuffle, which numpy never had
        out = layer_cycle(layer, rand(N_EX, N_IN), update=False)
        X = rand(N_EX, N_IN)
        layer.forward(X)
    finally:
        np.random.binomial = binomial
    out["bwd2"] = layer._bwd2(rand(N_EX, N_IN), X, rand(N_EX, N_OUT, seed=4))
    return out


@harness("npml.Conv1D")
def _():
    L = nn_layers()
    out = {}
    for pad, stride, dil in ((0, 1, 0), ("same", 1, 1), ("causal", 2, 0)):
        layer = L.Conv1D(N_OUT, 2, pad=pad, stride=stride, dilation=dil, act_fn="ReLU")
        X = rand(2, 9, 4)
        out[f"{pad}-{stride}-{dil}"] = layer_cycle(layer, X)
        Y = layer.forward(X)
        out[f"naive-{pad}-{stride}-{dil}"] = layer._backward_naive(rand(*Y.shape))
    return out


@harness("npml.Conv2D")
def _():
    L = nn_layers()
    out = {}
    for pad, stride, dil in ((0, 1, 0), ("same", 1, 1), (1, 2, 0)):
        layer = L.Conv2D(N_OUT, (2, 3), pad=pad, stride=stride, dilation=dil, act_fn="ReLU")
        X = rand(2, 6, 7, 4)
        out[f"{pad}-{stride}-{dil}"] = layer_cycle(layer, X)
    return out


@harness("npml.Conv2D._backward_naive")
def _():
    # fails on the unmutated code: numpy-ml 0.1.2 multiplies the list dLdy
    # instead of the array dy (layers.py: dZ = dLdy * self.act_fn.grad(Z))
    L = nn_layers()
    layer = L.Conv2D(N_OUT, (2, 3), act_fn="ReLU")
    Y = layer.forward(rand(2, 6, 7, 4))
    return layer._backward_naive(rand(*Y.shape))


@harness("npml.Pool2D")
def _():
    L = nn_layers()
    out = {}
    for mode in ("max", "average"):
        out[mode] = layer_cycle(L.Pool2D((2, 3), stride=1, pad=0, mode=mode), rand(2, 6, 7, N_OUT))
    return out


@harness("npml.Deconv2D")
def _():
    L = nn_layers()
    out = {}
    for pad, stride in ((0, 2), (1, 1)):
        layer = L.Deconv2D(N_OUT, (2, 3), pad=pad, stride=stride, act_fn="ReLU")
        out[f"{pad}-{stride}"] = layer_cycle(layer, rand(2, 4, N_IN, 2))
    return out


def recurrent_cell(cell, T=3):
    import numpy as np

    out = {"A": [], "dX": []}
    for t in range(T):
        out["A"].append(cell.forward(rand(N_EX, N_IN, seed=t)))
    for t in reversed(range(T)):
        out["dX"].append(cell.backward(rand(N_EX, cell.n_out, seed=10 + t)))
    out["gradients"] = {k: np.copy(v) for k, v in cell.gradients.items()}
    out["parameters"] = dict(cell.parameters)
    cell.update()
    out["updated"] = dict(cell.parameters)
    return out


@harness("npml.RNNCell")
def _():
    L = nn_layers()
    return recurrent_cell(L.RNNCell(N_OUT))


@harness("npml.LSTMCell")
def _():
    L = nn_layers()
    return recurrent_cell(L.LSTMCell(N_OUT))


def settable_properties(cls):
    # RNN and LSTM expose gradients/parameters/derived_variables as read-only
    # properties, which LayerBase.__init__ assigns to: AttributeError in
    # numpy-ml 0.1.2.  Give the properties a setter that ignores the value.
    for name in ("gradients", "parameters", "derived_variables"):
        prop = cls.__dict__.get(name)
        if isinstance(prop, property) and prop.fset is None:
            setattr(cls, name, prop.setter(lambda self, value: None))
    return cls


def recurrent_layer(layer, T=4, backward=True):
    import numpy as np

    out = {"A": layer.forward(rand(N_EX, N_IN, T))}
    if not backward:
        return out
    out["dX"] = layer.backward(rand(N_EX, layer.n_out, T, seed=2))
    out["gradients"] = {k: np.copy(v) for k, v in layer.gradients.items()}
    out["parameters"] = dict(layer.parameters)
    layer.update()
    out["updated"] = dict(layer.parameters)
    return out


@harness("npml.RNN")
def _():
    L = nn_layers()
    cls = settable_properties(L.RNN)

    def init_params(self):  # RNN passes n_in, which RNNCell does not take
        self.cell = L.RNNCell(n_out=self.n_out, act_fn=self.act_fn, init=self.init,
                              optimizer=self.optimizer)
        self.is_initialized = True

    cls._init_params = init_params
    return recurrent_layer(cls(N_OUT))


def lstm_layer():
    L = nn_layers()
    cls = settable_properties(L.LSTM)

    def init_params(self):  # LSTM passes n_in, which LSTMCell does not take
        self.cell = L.LSTMCell(n_out=self.n_out, act_fn=self.act_fn, gate_fn=self.gate_fn,
                               init=self.init)
        self.is_initialized = True

    cls._init_params = init_params
    return cls


@harness("npml.LSTM")
def _():
    return recurrent_layer(lstm_layer()(N_OUT), backward=False)


@harness("npml.LSTM.backward")
def _():
    # fails on the unmutated code: LSTM.backward unpacks `dLdXt, _ =
    # self.cell.backward(...)`, but LSTMCell.backward returns one
    # (n_ex, n_in) array (ValueError unless n_ex == 2)
    return recurrent_layer(lstm_layer()(N_OUT))


def nn_losses():
    compat_shims()
    from numpy_ml.neural_nets import losses

    return losses


def softmax_rows(z):
    import numpy as np

    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def one_hot(n, k, seed=1):
    import numpy as np

    y = np.zeros((n, k))
    y[np.arange(n), np.random.RandomState(seed).randint(0, k, n)] = 1
    return y


@harness("npml.SquaredError")
def _():
    from numpy_ml.neural_nets.activations import Tanh

    Ls = nn_losses()
    y, y_pred, z = rand(N_EX, N_OUT), rand(N_EX, N_OUT, seed=2), rand(N_EX, N_OUT, seed=3)
    return {"loss": Ls.SquaredError.loss(y, y_pred), "grad": Ls.SquaredError.grad(y, y_pred, z, Tanh())}


@harness("npml.CrossEntropy")
def _():
    Ls = nn_losses()
    y, y_pred = one_hot(N_EX, N_OUT), softmax_rows(rand(N_EX, N_OUT))
    return {"loss": Ls.CrossEntropy.loss(y, y_pred), "grad": Ls.CrossEntropy.grad(y, y_pred)}


@harness("npml.VAELoss")
def _():
    import numpy as np

    Ls = nn_losses()
    y = (rand(N_EX, N_IN) > 0).astype(float)
    y_pred = 1 / (1 + np.exp(-rand(N_EX, N_IN, seed=2)))
    t_mean, t_log_var = rand(N_EX, N_OUT, seed=3), rand(N_EX, N_OUT, seed=4)
    return {
        "loss": Ls.VAELoss.loss(y, y_pred, t_mean, t_log_var),
        "grad": Ls.VAELoss.grad(y, y_pred, t_mean, t_log_var),
    }


@harness("npml.WGAN_GPLoss")
def _():
    Ls = nn_losses()
    loss = Ls.WGAN_GPLoss(lambda_=10)
    Y_fake, Y_real, grad_interp = rand(N_EX), rand(N_EX, seed=2), rand(N_EX, N_IN, seed=3)
    return {
        "C": loss.loss(Y_fake, "C", Y_real, grad_interp),
        "G": loss.loss(Y_fake, "G"),
        "gradC": loss.grad(Y_fake, "C", Y_real, grad_interp),
        "gradG": loss.grad(Y_fake, "G"),
    }


@harness("npml.NCELoss")
def _():
    import numpy as np
    from numpy_ml.utils.data_structures import DiscreteSampler

    Ls = nn_losses()
    n_classes = 11
    probs = np.random.RandomState(0).dirichlet(np.ones(n_classes))
    sampler = DiscreteSampler(probs, log=False, with_replacement=False)
    loss = Ls.NCELoss(n_classes, sampler, num_negative_samples=4)
    X = rand(N_EX, 2, N_IN)
    target = np.random.RandomState(2).randint(0, n_classes, N_EX)
    out = {"loss": loss.loss(X, target)}
    out["grad"] = loss.grad(update_params=False)
    out["gradients"] = dict(loss.gradients)
    out["derived"] = dict(loss.derived_variables)
    return out


@harness("npml.activations")
def _():
    from numpy_ml.neural_nets import activations as A

    compat_shims()
    out = {}
    z = rand(N_EX, N_IN)
    for name in ("Sigmoid", "ReLU", "LeakyReLU", "Tanh", "Affine", "Identity", "ELU",
                 "Exponential", "SELU", "HardSigmoid", "SoftPlus"):
        act = getattr(A, name)()
        out[name] = {"fn": act.fn(z), "call": act(z), "grad": act.grad(z), "grad2": act.grad2(z)}
    return out


@harness("npml.utils.conv")
def _():
    compat_shims()
    from numpy_ml.neural_nets.utils import utils as U

    X, W = rand(2, 6, 7, 4), rand(2, 3, 4, N_OUT, seed=2)
    X1, W1 = rand(2, 9, 4), rand(2, 4, N_OUT, seed=2)
    return {
        "conv2D": U.conv2D(X, W, 1, 0),
        "conv2D_same": U.conv2D(X, W, 2, "same", dilation=1),
        "conv2D_naive": U.conv2D_naive(X, W, 1, 0),
        "conv1D": U.conv1D(X1, W1, 1, "same"),
        "deconv2D_naive": U.deconv2D_naive(X, W, 2, 0),
        "im2col": U.im2col(X, W.shape, (0, 0, 0, 0), 1)[0],
        "dilate": U.dilate(X, 1),
    }


# --------------------------------------------------------------------------
# scikit-learn: neural_network
# --------------------------------------------------------------------------


def clf_data(n=11, d=N_IN, k=N_OUT, seed=0):
    import numpy as np

    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d))
    y = np.arange(n) % k
    rng.shuffle(y)
    return X, y


def mlp_steps(est, X, Y, sample_weight=None):
    """The private forward and backward steps of a fitted MLP."""
    import numpy as np

    n_layers = est.n_layers_
    activations = [X] + [None] * (n_layers - 1)
    deltas = [None] * (n_layers - 1)
    coef_grads = [np.empty_like(c) for c in est.coefs_]
    intercept_grads = [np.empty_like(b) for b in est.intercepts_]
    fwd = est._forward_pass(list(activations))
    loss, cg, ig = est._backprop(X, Y, sample_weight, activations, deltas, coef_grads, intercept_grads)
    return {
        "forward": fwd,
        "forward_fast": est._forward_pass_fast(X),
        "loss": loss,
        "coef_grads": cg,
        "intercept_grads": ig,
        "deltas": deltas,
    }


def mlp_outputs(est, X):
    out = {
        "coefs": est.coefs_,
        "intercepts": est.intercepts_,
        "predict": est.predict(X),
        "loss": est.loss_,
    }
    if hasattr(est, "predict_proba"):
        out["proba"] = est.predict_proba(X)
        out["log_proba"] = est.predict_log_proba(X)
    return out


def mlp_classifier(y_kind, **params):
    import numpy as np
    from sklearn.neural_network import MLPClassifier

    X, y = clf_data(k={"binary": 2, "multiclass": N_OUT}.get(y_kind, N_OUT))
    if y_kind == "multilabel":
        y = (np.random.RandomState(4).standard_normal((len(X), N_OUT)) > 0).astype(int)
    est = MLPClassifier(hidden_layer_sizes=(6, 4), max_iter=5, random_state=0, **params)
    sw = np.linspace(0.5, 1.5, len(X))
    est.fit(X, y, sample_weight=sw)
    out = mlp_outputs(est, X)
    Y = est._label_binarizer.transform(y)
    out["steps"] = mlp_steps(est, X, Y.astype(float))
    out["steps_sw"] = mlp_steps(est, X, Y.astype(float), sample_weight=sw)
    out["score"] = est.score(X, y)
    return out


@harness("sklearn.MLPClassifier.sgd")
def _():
    return mlp_classifier("multiclass", solver="sgd", activation="relu")


@harness("sklearn.MLPClassifier.adam_early_stopping")
def _():
    return mlp_classifier("multiclass", solver="adam", activation="tanh", early_stopping=True,
                          validation_fraction=0.3)


@harness("sklearn.MLPClassifier.lbfgs")
def _():
    return mlp_classifier("multiclass", solver="lbfgs", activation="logistic")


@harness("sklearn.MLPClassifier.binary")
def _():
    return mlp_classifier("binary", solver="adam", activation="relu")


@harness("sklearn.MLPClassifier.multilabel")
def _():
    return mlp_classifier("multilabel", solver="sgd", activation="identity")


@harness("sklearn.MLPClassifier.partial_fit")
def _():
    from sklearn.neural_network import MLPClassifier

    X, y = clf_data()
    est = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    est.partial_fit(X, y, classes=[0, 1, 2])
    est.partial_fit(X, y)
    return mlp_outputs(est, X)


@harness("sklearn.MLPRegressor")
def _():
    import numpy as np
    from sklearn.neural_network import MLPRegressor

    out = {}
    X, _ = clf_data()
    for name, y in (("1d", rand(len(X))), ("2d", rand(len(X), 2))):
        for solver in ("adam", "lbfgs"):
            est = MLPRegressor(hidden_layer_sizes=(6, 4), max_iter=5, random_state=0, solver=solver)
            est.fit(X, y)
            r = mlp_outputs(est, X)
            r["steps"] = mlp_steps(est, X, y.reshape(len(X), -1))
            r["score"] = est.score(X, y)
            out[f"{name}-{solver}"] = r
    est = MLPRegressor(hidden_layer_sizes=(4,), random_state=0, loss="poisson", max_iter=3)
    est.fit(X, np.abs(rand(len(X))))
    out["poisson"] = mlp_outputs(est, X)
    est = MLPRegressor(hidden_layer_sizes=(4,), random_state=0, early_stopping=True, max_iter=3)
    est.fit(X, rand(len(X), 2))
    out["early"] = mlp_outputs(est, X)
    est = MLPRegressor(hidden_layer_sizes=(4,), random_state=0)
    est.partial_fit(X, rand(len(X), 2))
    est.partial_fit(X, rand(len(X), 2, seed=3))
    out["partial"] = mlp_outputs(est, X)
    return out


@harness("sklearn.neural_network._base")
def _():
    import numpy as np
    from sklearn.neural_network import _base as B

    out = {}
    X = rand(N_EX, N_IN)
    for name, fn in B.ACTIVATIONS.items():
        Z = X.copy()
        fn(Z)
        delta = rand(N_EX, N_IN, seed=2)
        if name in B.DERIVATIVES:
            B.DERIVATIVES[name](Z, delta)
        out[name] = [Z, delta]
    y = one_hot(N_EX, N_OUT)
    p = softmax_rows(rand(N_EX, N_OUT))
    sw = np.linspace(0.5, 1.5, N_EX)
    for sample_weight in (None, sw):
        key = "sw" if sample_weight is not None else "none"
        out["squared_" + key] = B.squared_loss(y, p, sample_weight)
        out["poisson_" + key] = B.poisson_loss(y, p, sample_weight)
        out["log_" + key] = B.log_loss(y, p, sample_weight)
        out["log1_" + key] = B.log_loss(y[:, :1], p[:, :1], sample_weight)
        out["binary_" + key] = B.binary_log_loss(y[:, :1], p[:, :1], sample_weight)
    return out


@harness("sklearn.BernoulliRBM")
def _():
    from sklearn.neural_network import BernoulliRBM

    X = (rand(11, N_IN) > 0).astype(float)
    est = BernoulliRBM(n_components=4, n_iter=2, batch_size=5, random_state=0)
    est.fit(X)
    out = {
        "components": est.components_,
        "intercept_hidden": est.intercept_hidden_,
        "intercept_visible": est.intercept_visible_,
        "transform": est.transform(X),
        "gibbs": est.gibbs(X),
        "score_samples": est.score_samples(X),
    }
    est.partial_fit(X)
    out["partial"] = est.components_
    return out


# --------------------------------------------------------------------------
# scikit-learn: linear_model
# --------------------------------------------------------------------------


def reg_data(n=11, d=N_IN, targets=None, seed=0):
    import numpy as np

    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d))
    w = rng.standard_normal((d,) if targets is None else (d, targets))
    y = X @ w + 0.1 * rng.standard_normal((n,) if targets is None else (n, targets))
    return X, y


def estimator_outputs(est, X):
    out = {}
    for attr in ("coef_", "intercept_", "sigma_", "alpha_", "lambda_", "n_iter_", "scale_"):
        if hasattr(est, attr):
            out[attr] = getattr(est, attr)
    out["predict"] = est.predict(X)
    for method in ("decision_function", "predict_proba", "predict_log_proba"):
        if hasattr(est, method):
            out[method] = getattr(est, method)(X)
    return out


@harness("sklearn.LinearModelLoss")
def _():
    import numpy as np
    from sklearn._loss.loss import HalfBinomialLoss, HalfMultinomialLoss, HalfSquaredError, HalfPoissonLoss
    from sklearn.linear_model._linear_loss import LinearModelLoss

    X, _ = reg_data()
    n, d = X.shape
    sw = np.linspace(0.5, 1.5, n)
    out = {}
    cases = {
        "binomial": (HalfBinomialLoss(), (np.arange(n) % 2).astype(float)),
        "squared": (HalfSquaredError(), rand(n)),
        "poisson": (HalfPoissonLoss(), np.abs(rand(n))),
        "multinomial": (HalfMultinomialLoss(n_classes=N_OUT), (np.arange(n) % N_OUT).astype(float)),
    }
    for name, (base, y) in cases.items():
        for fit_intercept in (True, False):
            for sample_weight in (None, sw):
                lml = LinearModelLoss(base_loss=base, fit_intercept=fit_intercept)
                coef = lml.init_zero_coef(X) + 0.1
                key = f"{name}-{fit_intercept}-{sample_weight is not None}"
                r = {
                    "loss": lml.loss(coef, X, y, sample_weight, l2_reg_strength=0.5),
                    "loss_gradient": lml.loss_gradient(coef, X, y, sample_weight, l2_reg_strength=0.5),
                    "gradient": lml.gradient(coef, X, y, sample_weight, l2_reg_strength=0.5),
                    "gradient_hessian": lml.gradient_hessian(coef, X, y, sample_weight, l2_reg_strength=0.5),
                }
                grad, hessp = lml.gradient_hessian_product(coef, X, y, sample_weight, l2_reg_strength=0.5)
                r["ghp_grad"] = grad
                r["hessp"] = hessp(np.ones_like(coef))
                if name == "multinomial":
                    flat = coef.ravel(order="F")
                    r["flat_loss_gradient"] = lml.loss_gradient(flat, X, y, sample_weight)
                    r["flat_gradient_hessian"] = lml.gradient_hessian(flat, X, y, sample_weight)
                    g2, hp2 = lml.gradient_hessian_product(flat, X, y, sample_weight)
                    r["flat_hessp"] = [g2, hp2(np.ones_like(flat))]
                out[key] = r
    return out


@harness("sklearn.huber")
def _():
    import numpy as np
    from sklearn.linear_model import HuberRegressor
    from sklearn.linear_model._huber import _huber_loss_and_gradient

    X, y = reg_data()
    y[:2] += 10  # outliers
    out = {}
    for d in (N_IN + 1, N_IN + 2):  # without and with intercept
        w = np.full(d, 0.1)
        w[-1] = 1.0
        out[d] = _huber_loss_and_gradient(w, X, y, 1.35, 0.01, np.linspace(0.5, 1.5, len(y)))
    est = HuberRegressor(max_iter=20).fit(X, y)
    out["est"] = estimator_outputs(est, X)
    return out


def logistic(solver, k, **params):
    from sklearn.linear_model import LogisticRegression

    X, y = clf_data(k=k)
    est = LogisticRegression(solver=solver, max_iter=30, **params).fit(X, y)
    return estimator_outputs(est, X)


@harness("sklearn.LogisticRegression")
def _():
    out = {}
    for solver in ("lbfgs", "newton-cg", "newton-cholesky", "liblinear", "sag", "saga"):
        for k in (2, N_OUT):
            out[f"{solver}-{k}"] = logistic(solver, k)
    out["noint"] = logistic("lbfgs", N_OUT, fit_intercept=False)
    out["l1"] = logistic("saga", N_OUT, penalty="l1")
    return out


@harness("sklearn.LogisticRegressionCV")
def _():
    from sklearn.linear_model import LogisticRegressionCV

    X, y = clf_data(n=18)
    est = LogisticRegressionCV(Cs=2, cv=2, max_iter=30).fit(X, y)
    return estimator_outputs(est, X)


@harness("sklearn.LinearRegression")
def _():
    import numpy as np
    from sklearn.linear_model import LinearRegression

    out = {}
    for targets in (None, 2):
        X, y = reg_data(targets=targets)
        out[f"{targets}"] = estimator_outputs(LinearRegression().fit(X, y), X)
        out[f"{targets}-sw"] = estimator_outputs(
            LinearRegression().fit(X, y, sample_weight=np.linspace(0.5, 1.5, len(X))), X)
    X, y = reg_data()
    out["positive"] = estimator_outputs(LinearRegression(positive=True).fit(X, y), X)
    return out


@harness("sklearn.Ridge")
def _():
    import numpy as np
    from sklearn.linear_model import Ridge, RidgeClassifier

    out = {}
    for targets in (None, 2):
        X, y = reg_data(targets=targets)
        for solver in ("svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga"):
            out[f"{targets}-{solver}"] = estimator_outputs(Ridge(alpha=1.0, solver=solver).fit(X, y), X)
        out[f"{targets}-sw"] = estimator_outputs(
            Ridge(alpha=1.0 if targets is None else np.array([1.0, 2.0])).fit(
                X, y, sample_weight=np.linspace(0.5, 1.5, len(X))), X)
    X, y = reg_data()
    out["lbfgs"] = estimator_outputs(Ridge(solver="lbfgs", positive=True).fit(X, y), X)
    X, y = clf_data()
    out["clf"] = estimator_outputs(RidgeClassifier().fit(X, y), X)
    return out


@harness("sklearn.RidgeCV")
def _():
    from sklearn.linear_model import RidgeCV, RidgeClassifierCV

    out = {}
    for targets in (None, 2):
        X, y = reg_data(targets=targets, n=12)
        out[f"gcv-{targets}"] = estimator_outputs(RidgeCV(alphas=(0.1, 1.0)).fit(X, y), X)
        out[f"cv-{targets}"] = estimator_outputs(RidgeCV(alphas=(0.1, 1.0), cv=2).fit(X, y), X)
    X, y = clf_data(n=12)
    out["clf"] = estimator_outputs(RidgeClassifierCV(alphas=(0.1, 1.0)).fit(X, y), X)
    return out


@harness("sklearn.coordinate_descent")
def _():
    from sklearn.linear_model import ElasticNet, Lasso, LassoCV, MultiTaskLasso

    out = {}
    X, y = reg_data()
    out["lasso"] = estimator_outputs(Lasso(alpha=0.1).fit(X, y), X)
    out["enet"] = estimator_outputs(ElasticNet(alpha=0.1).fit(X, y), X)
    out["lassocv"] = estimator_outputs(LassoCV(cv=2, n_alphas=3).fit(X, y), X)
    X, Y = reg_data(targets=2)
    out["multitask"] = estimator_outputs(MultiTaskLasso(alpha=0.1).fit(X, Y), X)
    return out


@harness("sklearn.least_angle")
def _():
    from sklearn.linear_model import Lars, LassoLars, LassoLarsIC, OrthogonalMatchingPursuit

    X, y = reg_data(n=13)
    return {
        "lars": estimator_outputs(Lars().fit(X, y), X),
        "lassolars": estimator_outputs(LassoLars(alpha=0.01).fit(X, y), X),
        "ic": estimator_outputs(LassoLarsIC().fit(X, y), X),
        "omp": estimator_outputs(OrthogonalMatchingPursuit(n_nonzero_coefs=2).fit(X, y), X),
    }


@harness("sklearn.bayes")
def _():
    from sklearn.linear_model import ARDRegression, BayesianRidge

    X, y = reg_data(n=13)
    out = {}
    for name, est in (("bayesian_ridge", BayesianRidge(max_iter=20, compute_score=True)),
                      ("ard", ARDRegression(max_iter=20, compute_score=True))):
        est.fit(X, y)
        r = estimator_outputs(est, X)
        mean, std = est.predict(X, return_std=True)
        r["mean"], r["std"] = mean, std
        out[name] = r
    return out


@harness("sklearn.sgd")
def _():
    from sklearn.linear_model import (
        PassiveAggressiveClassifier, Perceptron, SGDClassifier, SGDOneClassSVM, SGDRegressor,
    )

    out = {}
    X, y = clf_data()
    for k in (2, N_OUT):
        Xk, yk = clf_data(k=k)
        out[f"sgd-{k}"] = estimator_outputs(SGDClassifier(loss="log_loss", max_iter=5, tol=None).fit(Xk, yk), Xk)
        out[f"mhuber-{k}"] = estimator_outputs(SGDClassifier(loss="modified_huber", max_iter=5, tol=None).fit(Xk, yk), Xk)
        out[f"perceptron-{k}"] = estimator_outputs(Perceptron(max_iter=5, tol=None).fit(Xk, yk), Xk)
        out[f"pa-{k}"] = estimator_outputs(PassiveAggressiveClassifier(max_iter=5, tol=None).fit(Xk, yk), Xk)
    Xr, yr = reg_data()
    out["reg"] = estimator_outputs(SGDRegressor(max_iter=5, tol=None).fit(Xr, yr), Xr)
    oc = SGDOneClassSVM(max_iter=5, tol=None).fit(Xr)
    out["oneclass"] = [oc.decision_function(Xr), oc.score_samples(Xr), oc.predict(Xr)]
    return out


@harness("sklearn.glm")
def _():
    import numpy as np
    from sklearn.linear_model import GammaRegressor, PoissonRegressor, TweedieRegressor

    X, _ = reg_data()
    y = np.abs(rand(len(X))) + 0.1
    out = {}
    for solver in ("lbfgs", "newton-cholesky"):
        out[f"poisson-{solver}"] = estimator_outputs(PoissonRegressor(solver=solver, max_iter=20).fit(X, y), X)
        out[f"gamma-{solver}"] = estimator_outputs(GammaRegressor(solver=solver, max_iter=20).fit(X, y), X)
        out[f"tweedie-{solver}"] = estimator_outputs(
            TweedieRegressor(power=1.5, solver=solver, max_iter=20).fit(X, y, sample_weight=np.linspace(0.5, 1.5, len(X))), X)
        out[f"score-{solver}"] = PoissonRegressor(solver=solver, max_iter=20).fit(X, y).score(X, y)
    return out


@harness("sklearn.robust")
def _():
    from sklearn.linear_model import QuantileRegressor, RANSACRegressor, TheilSenRegressor

    X, y = reg_data(n=15, d=2)
    return {
        "quantile": estimator_outputs(QuantileRegressor(alpha=0.01).fit(X, y), X),
        "theilsen": estimator_outputs(TheilSenRegressor(random_state=0, max_subpopulation=50).fit(X, y), X),
        "ransac": estimator_outputs(RANSACRegressor(random_state=0).fit(X, y), X),
    }


# --------------------------------------------------------------------------
# The fork server: import numpy, scipy and the parts of scikit-learn that are
# not in the corpus once, then fork a fresh child per mutant, which imports
# the corpus modules (the mutated one from its mutated source) and runs the
# harnesses.  The child is a separate process: nothing it does reaches the
# server or the next mutant.
# --------------------------------------------------------------------------

PRELOAD = [
    "numpy", "scipy", "scipy.sparse", "scipy.sparse.linalg", "scipy.linalg", "scipy.special",
    "scipy.optimize", "scipy.stats", "sklearn", "sklearn.base", "sklearn.utils",
    "sklearn.utils.validation", "sklearn.utils.extmath", "sklearn.utils.optimize",
    "sklearn._loss.loss", "sklearn.preprocessing", "sklearn.model_selection", "sklearn.metrics",
]


def preload(site, corpus):
    corpus_paths = {os.path.realpath(os.path.join(site, *rel.split("/"))) for rel in corpus}
    for name in PRELOAD:
        importlib.import_module(name)
        loaded = [
            m for m, mod in list(sys.modules.items())
            if os.path.realpath(getattr(mod, "__file__", None) or "") in corpus_paths
        ]
        if loaded:  # the module pulled in corpus code: it must not be shared
            raise RuntimeError(f"preloading {name} imported corpus modules {loaded}")


def serve(site, corpus):
    import select
    import signal

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        preload(site, corpus)
    out = sys.stdout
    for line in sys.stdin:
        req = json.loads(line)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            try:
                os.close(r)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                with open(req["source"], encoding="utf-8") as fh:
                    source = fh.read()
                path = os.path.join(site, *req["target"].split("/"))
                sys.meta_path.insert(0, _MutantFinder(module_name(req["target"]), path, source))
                TARGET[0] = path
                result = {name: run_harness(name) for name in req["harnesses"]}
                data = json.dumps(result).encode()
            except BaseException as e:  # noqa: BLE001
                data = json.dumps({"__crash__": f"{type(e).__name__}: {e}"}).encode()
            with os.fdopen(w, "wb") as fh:
                fh.write(data)
            os._exit(0)
        os.close(w)
        chunks, deadline, timed_out = [], _now() + req["timeout"], False
        while True:
            left = deadline - _now()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([r], [], [], left)
            if ready:
                chunk = os.read(r, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        os.close(r)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if timed_out:
            reply = {"__timeout__": req["timeout"]}
        elif not chunks:
            reply = {"__crash__": f"the child died (wait status {status})"}
        else:
            reply = json.loads(b"".join(chunks))
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0


def _now():
    import time

    return time.monotonic()


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("trace")
    t.add_argument("--files", required=True, help="comma-separated corpus files to record lines in")
    t.add_argument("--out", required=True)
    r = sub.add_parser("run")
    r.add_argument("--target", required=True, help="the mutated file, relative to --site")
    r.add_argument("--source", required=True, help="the mutated source")
    r.add_argument("--harnesses", required=True)
    sv = sub.add_parser("serve", help="answer run requests (JSON lines on stdin) in forked children")
    sv.add_argument("--corpus", required=True, help="comma-separated corpus files (never preloaded)")
    d = sub.add_parser("debug", help="run harnesses on the unmutated code, with tracebacks")
    d.add_argument("names", nargs="*", help="harness names (default: all)")
    args = parser.parse_args()

    site = os.path.abspath(args.site)
    sys.path.insert(0, site)
    compat_shims()

    if args.command == "run":
        with open(args.source, encoding="utf-8") as fh:
            source = fh.read()
        path = os.path.join(site, *args.target.split("/"))
        sys.meta_path.insert(0, _MutantFinder(module_name(args.target), path, source))
        result = {name: run_harness(name) for name in args.harnesses.split(",") if name}
        sys.stdout.write("\n" + json.dumps(result) + "\n")
        return 0

    if args.command == "serve":
        return serve(site, args.corpus.split(","))

    if args.command == "debug":
        import traceback

        import numpy as np

        for name in args.names or HARNESSES:
            np.random.seed(0)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    print(name, json.dumps(signature(HARNESSES[name]()))[:300])
            except Exception:  # noqa: BLE001
                print(name, "FAILED")
                traceback.print_exc()
        return 0

    # trace: run every harness on the unmutated code, recording lines
    files = {}
    for rel in args.files.split(","):
        p = os.path.join(site, *rel.split("/"))
        files[p] = rel
        files[os.path.realpath(p)] = rel
    report = {"harnesses": {}}
    for name in HARNESSES:
        lines = {}

        def tracer(frame, event, arg, lines=lines):
            rel = files.get(frame.f_code.co_filename)
            if rel is None:
                return None
            seen = lines.setdefault(rel, set())
            seen.add(frame.f_lineno)

            def local(frame, event, arg):
                if event == "line":
                    seen.add(frame.f_lineno)
                return local

            return local

        sys.settrace(tracer)
        try:
            sig = run_harness(name)
        finally:
            sys.settrace(None)
        report["harnesses"][name] = {
            "signature": sig.get("signature"),
            "error": sig.get("error"),
            "lines": {k: sorted(v) for k, v in lines.items()},
        }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(report, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
