"""A compact ONNX graph for the isolation forest: one tree-ensemble node instead of ~27 per tree.

skl2onnx converts each tree of an ``IsolationForest`` to its own ``TreeEnsembleRegressor``
that yields the leaf reached, then maps the leaf to its depth and sample count
(``LabelEncoder``) and computes the tree's path length with a dozen arithmetic nodes; a
``Sum`` adds the trees up. With 50 trees that is over a thousand nodes, and onnxruntime's cost
per node makes one call slow whatever the batch size (docs/performance.md).

The path length of a tree depends on the leaf alone, so it can be the leaf's weight: one
``TreeEnsembleRegressor`` holding every tree, leaf weights = path lengths, summed over the
trees, gives the ``Sum`` directly; the converter's nodes after the ``Sum`` (the score and
the label) are kept as they are. Each leaf's path length is computed by the converter's own
per-tree nodes (run once here on every leaf), so the numbers are the converter's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper
from onnx.utils import Extractor

from .onnx_session import make_session

TREE_OP = "TreeEnsembleRegressor"
_COPIED = (
    "nodes_falsenodeids",
    "nodes_hitrates",
    "nodes_missing_value_tracks_true",
    "nodes_modes",
    "nodes_nodeids",
    "nodes_truenodeids",
    "nodes_values",
)


def compact_isolation_forest(model: onnx.ModelProto) -> onnx.ModelProto:
    """The same function as skl2onnx's isolation-forest graph ``model``, in one tree node."""
    graph = model.graph
    producers = {out: node for node in graph.node for out in node.output}
    constants = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    (total,) = [node for node in graph.node if node.op_type == "Sum"]
    cuts = [node.output[0] for node in graph.node if node.op_type == TREE_OP]
    extractor = _extractor(model, [*cuts, *total.input, total.output[0]])
    names = (*_COPIED, "nodes_featureids", "nodes_treeids")
    attributes: dict[str, Any] = {name: [] for name in names}
    targets: dict[str, Any] = {"target_nodeids": [], "target_treeids": [], "target_weights": []}
    for tree_id, path_length in enumerate(total.input):
        tree = _only_tree_above(path_length, producers)
        leaves = _attribute(tree, "target_nodeids")
        if list(_attribute(tree, "target_weights")) != [float(leaf) for leaf in leaves]:
            raise ValueError("unexpected isolation-forest graph: a tree does not yield its leaf id")
        lengths = _run(extractor.extract_model([tree.output[0]], [path_length]), leaves)
        features = constants[producers[tree.input[0]].input[1]]  # the tree's Gather of X columns
        for name in _COPIED:
            attributes[name] += _attribute(tree, name)
        attributes["nodes_featureids"] += [int(features[i]) for i in _attribute(tree, "nodes_featureids")]
        attributes["nodes_treeids"] += [tree_id] * len(_attribute(tree, "nodes_nodeids"))
        targets["target_nodeids"] += list(leaves)
        targets["target_treeids"] += [tree_id] * len(leaves)
        targets["target_weights"] += [float(v) for v in lengths]
    forest = helper.make_node(
        TREE_OP,
        [graph.input[0].name],
        [total.output[0]],
        domain="ai.onnx.ml",
        n_targets=1,
        aggregate_function="SUM",
        post_transform="NONE",
        target_ids=[0] * len(targets["target_nodeids"]),
        **attributes,
        **targets,
    )
    tail = extractor.extract_model([total.output[0]], [out.name for out in graph.output]).graph
    compact = helper.make_graph(
        [forest, *tail.node], graph.name, list(graph.input), list(graph.output), list(tail.initializer)
    )
    result = helper.make_model(compact, opset_imports=list(model.opset_import), producer_name="pamtalk")
    result.ir_version = model.ir_version
    onnx.checker.check_model(result)
    return result


def _extractor(model: onnx.ModelProto, cuts: list[str]) -> Extractor:
    """Cuts the graph at ``cuts``: float n x 1 tensors (shape inference stops at the tree nodes)."""
    typed = onnx.ModelProto()
    typed.CopyFrom(model)
    typed.graph.value_info.extend(
        helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, [None, 1]) for name in cuts
    )
    return Extractor(typed)


def _only_tree_above(name: str, producers: dict[str, onnx.NodeProto]) -> onnx.NodeProto:
    """The one tree node that ``name`` is computed from."""
    trees: dict[int, onnx.NodeProto] = {}
    seen: set[int] = set()
    todo = [name]
    while todo:
        node = producers.get(todo.pop())
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if node.op_type == TREE_OP:
            trees[id(node)] = node
        else:
            todo += node.input
    if len(trees) != 1:
        raise ValueError(f"unexpected isolation-forest graph: {name} does not come from one tree")
    return next(iter(trees.values()))


def _attribute(node: onnx.NodeProto, name: str) -> list[Any]:
    return list(next(helper.get_attribute_value(a) for a in node.attribute if a.name == name))


def _run(model: onnx.ModelProto, leaves: Iterable[int]) -> np.ndarray:
    """The extracted per-tree nodes, run on the leaf ids (as the tree node yields them)."""
    ids = np.asarray([[float(leaf)] for leaf in leaves], dtype=np.float32)
    (out,) = make_session(model.SerializeToString()).run(None, {model.graph.input[0].name: ids})
    return np.asarray(out, dtype=np.float32).ravel()
