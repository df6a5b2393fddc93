"""Decision trees: graph checks, the walkthrough along a path of chosen branches, and editing operations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from accueil.knowledge.choices import NodeKind
from accueil.knowledge.document import Node, Tree


@dataclass(frozen=True, slots=True)
class Issue:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"champ": self.field, "probleme": self.message}


def check_tree(tree: Tree, *, answer_ids: Sequence[str] = (), prefix: str = "tree") -> list[Issue]:
    """Every `next` exists, every node is reachable, no cycle, every path ends in an outcome."""
    issues: list[Issue] = []
    index: dict[str, int] = {}
    for position, node in enumerate(tree.nodes):
        if node.id in index:
            issues.append(Issue(f"{prefix}.nodes.{position}.id", f"Identifiant de nœud en double : « {node.id} »."))
        index.setdefault(node.id, position)
    if not tree.nodes:
        return [Issue(f"{prefix}.nodes", "L'arbre ne contient aucun nœud.")]
    if tree.start not in index:
        issues.append(Issue(f"{prefix}.start", f"Le nœud de départ « {tree.start} » n'existe pas."))
    known_answers = set(answer_ids)
    for position, node in enumerate(tree.nodes):
        where = f"{prefix}.nodes.{position}"
        if node.kind == NodeKind.OUTCOME:
            if node.branches:
                issues.append(Issue(f"{where}.branches", f"L'issue « {node.id} » ne doit pas avoir de branche."))
            for answer in node.answers:
                if answer not in known_answers:
                    issues.append(
                        Issue(
                            f"{where}.answers", f"L'issue « {node.id} » cite une réponse type inconnue : « {answer} »."
                        )
                    )
            continue
        if node.answers:
            issues.append(Issue(f"{where}.answers", f"Seule une issue peut proposer des réponses types ({node.id})."))
        if len(node.branches) < 2:
            issues.append(
                Issue(
                    f"{where}.branches",
                    f"Le nœud « {node.id} » doit avoir au moins 2 branches (il en a {len(node.branches)}).",
                )
            )
        labels: set[str] = set()
        for b_pos, branch in enumerate(node.branches):
            if branch.next not in index:
                issues.append(
                    Issue(
                        f"{where}.branches.{b_pos}.next",
                        f"La branche « {branch.label} » du nœud « {node.id} » "
                        f"mène à un nœud inexistant « {branch.next} ».",
                    )
                )
            if branch.label.casefold() in labels:
                issues.append(
                    Issue(f"{where}.branches.{b_pos}.label", f"Libellé de branche en double : « {branch.label} ».")
                )
            labels.add(branch.label.casefold())
    if tree.start in index:
        issues += _graph_issues(tree, index, prefix)
    return issues


def _graph_issues(tree: Tree, index: dict[str, int], prefix: str) -> list[Issue]:
    issues: list[Issue] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[str] = set()

    def visit(node_id: str) -> None:
        state[node_id] = 1
        node = tree.nodes[index[node_id]]
        for branch in node.branches:
            target = branch.next
            if target not in index:
                continue
            if state.get(target) == 1 and target not in reported:
                reported.add(target)
                issues.append(
                    Issue(
                        f"{prefix}.nodes.{index[node_id]}.branches",
                        f"Boucle : « {node_id} » revient vers « {target} ».",
                    )
                )
            elif target not in state:
                visit(target)
        state[node_id] = 2

    visit(tree.start)
    for node in tree.nodes:
        if node.id not in state:
            issues.append(
                Issue(
                    f"{prefix}.nodes.{index[node.id]}", f"Le nœud « {node.id} » n'est pas atteignable depuis le départ."
                )
            )
    return issues


def outcomes(tree: Tree) -> list[Node]:
    return [node for node in tree.nodes if node.kind == NodeKind.OUTCOME]


# ---------------------------------------------------------------- walkthrough


@dataclass(frozen=True, slots=True)
class Step:
    node: Node
    choice: int  # index of the branch taken
    path: str  # the path that shows this node (to go back to it)


@dataclass(frozen=True, slots=True)
class Walk:
    steps: list[Step]  # the nodes already answered, with the branch chosen
    current: Node
    path: str  # path of `current`
    back: str | None  # path of the previous node, None at the start

    @property
    def finished(self) -> bool:
        return self.current.kind == NodeKind.OUTCOME

    def next_path(self, choice: int) -> str:
        return f"{self.path}.{choice}" if self.path else str(choice)


def parse_path(raw: str | None) -> list[int]:
    """'0.2.1' -> [0, 2, 1]; anything malformed is cut at the first bad part."""
    result: list[int] = []
    for part in (raw or "").split("."):
        if not part.isdigit() or len(part) > 3:
            break
        result.append(int(part))
    return result


def walk(tree: Tree, raw_path: str | None) -> Walk:
    """Follow the chosen branches from the start; an out-of-range choice stops the walk there."""
    by_id = {node.id: node for node in tree.nodes}
    current = by_id[tree.start]
    steps: list[Step] = []
    taken: list[str] = []
    for choice in parse_path(raw_path):
        if choice >= len(current.branches) or current.branches[choice].next not in by_id:
            break
        steps.append(Step(node=current, choice=choice, path=".".join(taken)))
        taken.append(str(choice))
        current = by_id[current.branches[choice].next]
    path = ".".join(taken)
    back = ".".join(taken[:-1]) if taken else None
    return Walk(steps=steps, current=current, path=path, back=back)


def preview(tree: Tree) -> dict[str, Any]:
    """A nested view for the preview: each node with its branches' sub-trees (shared nodes shown once)."""
    by_id = {node.id: node for node in tree.nodes}
    seen: set[str] = set()

    def build(node_id: str, depth: int) -> dict[str, Any]:
        node = by_id.get(node_id)
        if node is None:
            return {"id": node_id, "missing": True}
        if node_id in seen or depth > 40:
            return {"id": node_id, "node": node, "ref": True}
        seen.add(node_id)
        return {
            "id": node_id,
            "node": node,
            "branches": [(b.label, build(b.next, depth + 1)) for b in node.branches],
        }

    return build(tree.start, 0) if tree.start in by_id else {"id": tree.start, "missing": True}


# ---------------------------------------------------------------- editing operations on plain dicts


def apply_operation(tree: dict[str, Any], op: str) -> dict[str, Any]:
    """Apply an editor operation ('add_node', 'del_node:3', 'up_node:3', 'down_node:3', 'add_branch:3',
    'del_branch:3:1', 'up_branch:3:1', 'down_branch:3:1') to a tree given as plain data."""
    nodes: list[dict[str, Any]] = list(tree.get("nodes") or [])
    name, *args = op.split(":")
    try:
        numbers = [int(a) for a in args]
    except ValueError:
        return tree
    if name == "add_node":
        nodes.append({"id": _fresh_id(nodes), "kind": "outcome", "text": "", "branches": [], "answers": []})
    elif name in {"del_node", "up_node", "down_node"} and numbers and 0 <= numbers[0] < len(nodes):
        position = numbers[0]
        if name == "del_node":
            removed = nodes.pop(position).get("id")  # branches pointing to it now dangle: the check shows them
            if tree.get("start") == removed:
                tree = {**tree, "start": nodes[0]["id"] if nodes else ""}
        else:
            _swap(nodes, position, -1 if name == "up_node" else 1)
    elif name in {"add_branch", "del_branch", "up_branch", "down_branch"} and numbers and 0 <= numbers[0] < len(nodes):
        node = dict(nodes[numbers[0]])
        branches = [dict(b) for b in node.get("branches") or []]
        if name == "add_branch":
            branches.append({"label": "", "next": ""})
        elif len(numbers) > 1 and 0 <= numbers[1] < len(branches):
            if name == "del_branch":
                branches.pop(numbers[1])
            else:
                _swap(branches, numbers[1], -1 if name == "up_branch" else 1)
        node["branches"] = branches
        nodes[numbers[0]] = node
    return {**tree, "nodes": nodes}


def _swap(items: list[Any], position: int, delta: int) -> None:
    other = position + delta
    if 0 <= other < len(items):
        items[position], items[other] = items[other], items[position]


def _fresh_id(nodes: list[dict[str, Any]]) -> str:
    existing = {str(node.get("id")) for node in nodes}
    number = len(nodes) + 1
    while f"n{number}" in existing:
        number += 1
    return f"n{number}"
